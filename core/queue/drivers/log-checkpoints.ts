import { closeSync, openSync, readSync } from 'node:fs';
import { endianness } from 'node:os';
import { Worker } from 'node:worker_threads';
import { ownModuleUrl } from '../../package-layout.ts';
import type { CheckpointAnswer, CheckpointRequest } from './checkpoint-thread.ts';

/** Options of {@link LogCheckpoints}. */
export interface LogCheckpointOptions {
  /** Pages in the log not yet copied that start a checkpoint on the thread (default 1,000, SQLite's own). */
  startFrames?: number;
  /**
   * Pages in the log (copied or not) at which the committing connection checkpoints
   * itself, so that its next commit starts the log over (default 4,000: 16 MB).
   */
  restartFrames?: number;
}

/**
 * Checkpoints of an embedded database, mostly off the thread that commits.
 *
 * SQLite copies the write-ahead log back into the database file once the log passes
 * 1,000 pages, inside the COMMIT that crosses that size: on the committing thread, with
 * two file syncs (a few ms every 4 MB of log; a busy queue spent about a tenth of its
 * time there). The embedded driver turns that off (`wal_autocheckpoint = 0`) and tells
 * this object after each commit. Once the log holds `startFrames` pages not yet copied, a
 * thread of its own, with its own connection, copies them (a PASSIVE checkpoint: it
 * neither waits for nor blocks the writers).
 *
 * The log starts over only at a commit that finds every page of it copied, and under
 * steady load the thread, copying while commits go on, always leaves the last few behind;
 * with several processes writing, so does any copy that lets them go on. So once the log
 * holds `restartFrames` pages, the committing connection checkpoints itself, keeping other
 * writers out meanwhile (`checkpointHere` is a RESTART checkpoint: it takes the write
 * lock, or falls back to a plain copy when another process holds it): it copies only what
 * the thread left (the sync of the database file is then short too), and the next commit
 * starts the log over. Should the thread fail, the committing connection checkpoints at
 * `startFrames`. Several processes on one file each do all this; a checkpoint that finds
 * another under way skips, and the next commit asks again.
 *
 * How full the log is comes from the WAL index (`<db>-shm`, one small read per commit;
 * see {@link WalIndex}), not from the log's size, which never shrinks. The thread starts
 * the first time the log gets that full (the small databases of tests never start one).
 */
export class LogCheckpoints {
  readonly #path: string;
  readonly #checkpointHere: () => void;
  readonly #startFrames: number;
  readonly #restartFrames: number;
  readonly #index: WalIndex;
  #thread: Worker | undefined;
  // Settles once a failed thread is gone (close() waits for it).
  #terminated: Promise<unknown> | undefined;
  // One request at a time; requests made meanwhile make one more when it answers.
  #running = false;
  #again = false;
  #failed = false;
  #warned = false;
  #closing = false;

  /**
   * `path` is the database file's, with no symbolic link in it (SQLite puts the log and
   * the index beside the file it resolves to); `checkpointHere` checkpoints on the
   * committing connection. Make it as the connection opens: from then on it counts as a
   * user of the file's WAL index (see {@link WalIndex}) until {@link close}.
   */
  constructor(path: string, checkpointHere: () => void, options: LogCheckpointOptions = {}) {
    this.#path = path;
    this.#checkpointHere = checkpointHere;
    this.#startFrames = options.startFrames ?? 1_000;
    this.#restartFrames = Math.max(this.#startFrames, options.restartFrames ?? 4_000);
    this.#index = WalIndex.acquire(path);
  }

  /**
   * After a commit of the connection: copy the log back, here or on the thread, if it is
   * due. Never throws: the commit is done whatever happens here.
   */
  committed(): void {
    if (this.#closing) return;
    try {
      const frames = this.#index.frames();
      if (!frames || frames.log - frames.copied < this.#startFrames) return;
      if (this.#failed || frames.log >= this.#restartFrames) this.#checkpointHere();
      else this.#request();
    } catch (error) {
      // Busy or locked for now (another checkpoint, a transaction): the next commit asks
      // again. Anything else once: it would fail the same way at every commit.
      const { code } = error as { code?: string };
      if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED' || this.#warned) return;
      this.#warned = true;
      process.emitWarning(error as Error);
    }
  }

  /**
   * Stop: the thread closes its connection (waited for), then `closeConnection` closes the
   * committing one, and only then is the WAL index let go (see {@link WalIndex}).
   */
  async close(closeConnection: () => void): Promise<void> {
    this.#closing = true;
    const thread = this.#thread;
    this.#thread = undefined;
    if (thread && !this.#failed) {
      // Waited for now: the process stays up until the thread has closed its connection.
      thread.ref();
      const exited = new Promise((resolve) => thread.once('exit', resolve));
      thread.postMessage('close' satisfies CheckpointRequest);
      await exited;
    }
    // A failed thread's connection closes as it is terminated.
    await this.#terminated;
    try {
      closeConnection();
    } finally {
      this.#index.release();
    }
  }

  #request(): void {
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#thread ??= this.#startThread();
    this.#running = true;
    this.#thread.postMessage('checkpoint' satisfies CheckpointRequest);
  }

  #startThread(): Worker {
    const thread = new Worker(THREAD_URL, { workerData: { path: this.#path } });
    // Checkpoints are upkeep: they never keep the process alive.
    thread.unref();
    thread.on('message', (answer: CheckpointAnswer) => this.#answered(answer));
    thread.on('error', (error: unknown) => this.#fail(String((error as Error)?.message ?? error)));
    thread.once('exit', () => this.#fail('the thread ended'));
    return thread;
  }

  #answered(answer: CheckpointAnswer): void {
    this.#running = false;
    if (!answer.ok) {
      this.#fail(answer.message);
      return;
    }
    if (this.#again && !this.#closing) {
      this.#again = false;
      this.#request();
    }
  }

  #fail(message: string): void {
    if (this.#failed || this.#closing) return;
    this.#failed = true;
    this.#terminated = this.#thread?.terminate().catch(() => undefined);
    process.emitWarning(
      `checkpointing ${this.#path} on its own thread failed (${message}); commits checkpoint it themselves from now on`,
    );
  }
}

/**
 * The WAL index's header (`<db>-shm`), read for two numbers: `mxFrame` (pages in the log)
 * and `nBackfill` (pages already copied back), at fixed offsets, in the machine's byte
 * order: SQLite's file format (wal.c), shared by every process on the file.
 *
 * One per database file in a process, counting its users (one per connection of the
 * queue's drivers, from their open to their close), with one descriptor, opened once the
 * index exists and closed only when the last user lets go, after its connection closed.
 * Why: SQLite keeps its WAL locks on this file, and POSIX drops every lock a process holds
 * on a file when the process closes any descriptor of it. Closing one while a connection
 * of the process still uses the file would let another process write under that
 * connection's lock. (A connection opened in the same process outside the queue's
 * drivers is not counted.) Exported for tests.
 */
export class WalIndex {
  static readonly #open = new Map<string, WalIndex>();

  readonly #path: string;
  readonly #buffer = Buffer.alloc(HEADER_BYTES);
  #fd: number | undefined;
  #users = 1;

  private constructor(path: string) {
    this.#path = path;
  }

  /**
   * The index of the database file at `path` (with no symbolic link in it), shared with
   * its other users in this process. Call {@link release} once its connection closed.
   */
  static acquire(path: string): WalIndex {
    const open = WalIndex.#open.get(path);
    if (open) {
      open.#users++;
      return open;
    }
    const index = new WalIndex(path);
    WalIndex.#open.set(path, index);
    return index;
  }

  /**
   * Pages in the log, and how many of them are copied back into the database file; or
   * undefined while there is no index yet (a new database before its first write).
   */
  frames(): { log: number; copied: number } | undefined {
    const read = this.#read();
    if (!read) return undefined;
    const log = read(MX_FRAME_OFFSET);
    // After a restart the log counts from 0 again while nBackfill may still hold the
    // last checkpoint's count: never more copied than there is.
    return { log, copied: Math.min(log, read(N_BACKFILL_OFFSET)) };
  }

  /**
   * `iChange` of the header: a count every commit to the file, by any connection or
   * process, adds one to (wrapping at 2^32); undefined while there is no index yet, or
   * while a commit is rewriting the header (its two copies differ).
   */
  commits(): number | undefined {
    const read = this.#read();
    if (!read) return undefined;
    const commits = read(I_CHANGE_OFFSET);
    return commits === read(I_CHANGE_OFFSET + HEADER_COPY_BYTES) ? commits : undefined;
  }

  /** Reads the header now; returns its u32 reader, or undefined without an index. */
  #read(): ((offset: number) => number) | undefined {
    if (this.#fd === undefined) {
      try {
        this.#fd = openSync(`${this.#path}-shm`, 'r');
      } catch {
        return undefined;
      }
    }
    if (readSync(this.#fd, this.#buffer, 0, HEADER_BYTES, 0) < HEADER_BYTES) return undefined;
    return (offset: number) =>
      LITTLE_ENDIAN ? this.#buffer.readUInt32LE(offset) : this.#buffer.readUInt32BE(offset);
  }

  /** One user less; the last one closes the descriptor. */
  release(): void {
    if (--this.#users > 0) return;
    WalIndex.#open.delete(this.#path);
    if (this.#fd !== undefined) closeSync(this.#fd);
  }
}

const LITTLE_ENDIAN = endianness() === 'LE';
/** WalIndexHdr.iChange, in the first of the header's two copies. */
const I_CHANGE_OFFSET = 8;
/** The header is written twice in a row (the second copy first), 48 bytes each. */
const HEADER_COPY_BYTES = 48;
/** WalIndexHdr.mxFrame, in the first of the header's two copies. */
const MX_FRAME_OFFSET = 16;
/** WalCkptInfo.nBackfill, after the two 48-byte header copies. */
const N_BACKFILL_OFFSET = 96;
const HEADER_BYTES = 100;

const THREAD_URL = ownModuleUrl('./checkpoint-thread', import.meta.url);
