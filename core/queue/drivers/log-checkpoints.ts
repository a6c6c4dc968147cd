import { closeSync, openSync, readSync } from 'node:fs';
import { endianness } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { CheckpointAnswer, CheckpointRequest } from './checkpoint-thread.ts';

/** Options of {@link LogCheckpoints}. */
export interface LogCheckpointOptions {
  /** Pages in the log not yet copied that start a checkpoint (SQLite's own default: 1,000). */
  startFrames?: number;
  /** Pages not yet copied after which the committing connection copies them itself. */
  maxFrames?: number;
}

/**
 * Checkpoints of an embedded database, off the thread that commits.
 *
 * SQLite copies the write-ahead log back into the database file once the log passes
 * 1,000 pages, inside the COMMIT that crosses that size: on the committing thread, holding
 * the write lock, with two file syncs (a few ms every 4 MB of log; a busy queue spent
 * about a tenth of its time there). The embedded driver turns that off
 * (`wal_autocheckpoint = 0`) and tells this object after each commit. Once the log holds
 * `startFrames` pages not yet copied, a thread of its own, with its own connection, copies
 * them (a PASSIVE checkpoint: it neither waits for nor blocks the writers); the next
 * commit after a complete copy starts the log over, as SQLite does.
 *
 * How full the log is comes from the WAL index (`<db>-shm`, one small read per commit),
 * not from the log's size, which never shrinks. The thread starts the first time the log
 * gets that full (the small databases of tests never start one). Should the log reach
 * `maxFrames` pages all the same (the thread cannot keep up), or the thread fail, the
 * committing connection checkpoints itself, as it would have without this.
 */
export class LogCheckpoints {
  readonly #path: string;
  readonly #checkpointHere: () => void;
  readonly #startFrames: number;
  readonly #maxFrames: number;
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
    this.#maxFrames = options.maxFrames ?? 16_000;
  }

  /**
   * After a commit: start a checkpoint if the log holds enough pages not yet copied. Never
   * throws: the commit is done whatever happens here.
   */
  committed(): void {
    try {
      this.#index ??= WalIndex.open(this.#path);
      const pending = this.#index?.pendingFrames() ?? 0;
      if (pending < this.#startFrames) return;
      if (this.#failed || pending >= this.#maxFrames) this.#checkpointHere();
      else this.#request();
    } catch (error) {
      process.emitWarning(error as Error);
    }
  }

  /** Close the thread's connection (waiting for it) and the index. */
  async close(): Promise<void> {
    this.#closing = true;
    this.#index?.close();
    this.#index = undefined;
    const thread = this.#thread;
    this.#thread = undefined;
    if (!thread || this.#failed) return;
    // Waited for now: the process stays up until the thread has closed its connection.
    thread.ref();
    const exited = new Promise((resolve) => thread.once('exit', resolve));
    thread.postMessage('close' satisfies CheckpointRequest);
    await exited;
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
 * The WAL index's header, read for two numbers: `mxFrame` (pages in the log) and
 * `nBackfill` (pages already copied), at fixed offsets, in the machine's byte order.
 * The layout is SQLite's file format (wal.c), shared by every process on the file.
 * Exported for tests.
 */
export class WalIndex {
  readonly #fd: number;
  readonly #buffer = Buffer.alloc(HEADER_BYTES);

  private constructor(fd: number) {
    this.#fd = fd;
  }

  /** The index of the database at `path`, or undefined while it does not exist yet. */
  static open(path: string): WalIndex | undefined {
    try {
      return new WalIndex(openSync(`${path}-shm`, 'r'));
    } catch {
      return undefined;
    }
  }

  pendingFrames(): number {
    if (readSync(this.#fd, this.#buffer, 0, HEADER_BYTES, 0) < HEADER_BYTES) return 0;
    const read = (offset: number) =>
      LITTLE_ENDIAN ? this.#buffer.readUInt32LE(offset) : this.#buffer.readUInt32BE(offset);
    // After a restart the log counts from 0 again while nBackfill may still hold the
    // last checkpoint's count: never below zero.
    return Math.max(0, read(MX_FRAME_OFFSET) - read(N_BACKFILL_OFFSET));
  }

  close(): void {
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
