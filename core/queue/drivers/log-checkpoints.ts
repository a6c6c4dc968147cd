import { closeSync, openSync, readSync, realpathSync } from 'node:fs';
import { endianness } from 'node:os';
import { Worker } from 'node:worker_threads';
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
 * steady load the thread, copying while commits go on, always leaves the last few behind.
 * So once the log holds `restartFrames` pages, the committing connection checkpoints
 * itself between two of its commits: it copies only what the thread left (the sync of the
 * database file is then short too), and its next commit starts the log over. Should the
 * thread fail, the committing connection checkpoints at `startFrames`, as SQLite does.
 * Several processes on one file each do all this; a checkpoint that finds another under
 * way skips, and the next commit asks again.
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
  #index: WalIndex | undefined;
  #thread: Worker | undefined;
  // One request at a time; requests made meanwhile make one more when it answers.
  #running = false;
  #again = false;
  #failed = false;
  #closing = false;

  /** `path` is the database file's; `checkpointHere` checkpoints on the committing connection. */
  constructor(path: string, checkpointHere: () => void, options: LogCheckpointOptions = {}) {
    this.#path = path;
    this.#checkpointHere = checkpointHere;
    this.#startFrames = options.startFrames ?? 1_000;
    this.#restartFrames = Math.max(this.#startFrames, options.restartFrames ?? 4_000);
  }

  /**
   * After a commit of the connection: copy the log back, here or on the thread, if it is
   * due. Never throws: the commit is done whatever happens here.
   */
  committed(): void {
    if (this.#closing) return;
    try {
      this.#index ??= WalIndex.acquire(this.#path);
      const frames = this.#index?.frames();
      if (!frames || frames.log - frames.copied < this.#startFrames) return;
      if (this.#failed || frames.log >= this.#restartFrames) this.#checkpointHere();
      else this.#request();
    } catch (error) {
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
    try {
      closeConnection();
    } finally {
      this.#index?.release();
      this.#index = undefined;
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
    void this.#thread?.terminate();
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
 * One descriptor per file in a process, kept until the last {@link LogCheckpoints} using
 * it lets go, which it does after its connection has closed. Why: SQLite keeps its WAL
 * locks on this file, and POSIX drops every lock a process holds on a file when the
 * process closes any descriptor of it. Closing one while a connection of the process
 * still uses the file would let another process write under that connection's lock. (A
 * connection opened in the same process outside the queue's drivers is not counted.)
 * Exported for tests.
 */
export class WalIndex {
  static readonly #open = new Map<string, WalIndex>();

  readonly #file: string;
  readonly #fd: number;
  readonly #buffer = Buffer.alloc(HEADER_BYTES);
  #users = 1;

  private constructor(file: string, fd: number) {
    this.#file = file;
    this.#fd = fd;
  }

  /**
   * The index of the database at `path`, shared with the other users in this process, or
   * undefined while it does not exist yet. Call {@link release} once done.
   */
  static acquire(path: string): WalIndex | undefined {
    let file: string;
    try {
      file = realpathSync(`${path}-shm`);
    } catch {
      return undefined;
    }
    const open = WalIndex.#open.get(file);
    if (open) {
      open.#users++;
      return open;
    }
    const index = new WalIndex(file, openSync(file, 'r'));
    WalIndex.#open.set(file, index);
    return index;
  }

  /** Pages in the log, and how many of them are copied back into the database file. */
  frames(): { log: number; copied: number } | undefined {
    if (readSync(this.#fd, this.#buffer, 0, HEADER_BYTES, 0) < HEADER_BYTES) return undefined;
    const read = (offset: number) =>
      LITTLE_ENDIAN ? this.#buffer.readUInt32LE(offset) : this.#buffer.readUInt32BE(offset);
    const log = read(MX_FRAME_OFFSET);
    // After a restart the log counts from 0 again while nBackfill may still hold the
    // last checkpoint's count: never more copied than there is.
    return { log, copied: Math.min(log, read(N_BACKFILL_OFFSET)) };
  }

  /** One user less; the last one closes the descriptor. */
  release(): void {
    if (--this.#users > 0) return;
    WalIndex.#open.delete(this.#file);
    closeSync(this.#fd);
  }
}

const LITTLE_ENDIAN = endianness() === 'LE';
/** WalIndexHdr.mxFrame, in the first of the header's two copies. */
const MX_FRAME_OFFSET = 16;
/** WalCkptInfo.nBackfill, after the two 48-byte header copies. */
const N_BACKFILL_OFFSET = 96;
const HEADER_BYTES = 100;

const THREAD_URL = new URL('./checkpoint-thread.ts', import.meta.url);
