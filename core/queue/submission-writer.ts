import { realpathSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { ownModuleUrl } from '../package-layout.ts';
import type { QueueDriver, SqlStatement } from './backend.ts';
import { announceCommit } from './commits.ts';
import { CommitTally } from './drivers/commit-tally.ts';
import { SubmissionWriterError } from './errors.ts';
import {
  receivedError,
  type WriterAnswer,
  type WriterItem,
  type WriterReport,
  type WriterRequest,
  type WriterSetup,
} from './submission-writer-protocol.ts';
import type { CommittableSubmission } from './submit.ts';
import type { SubmitResult } from './types.ts';

const THREAD_URL = ownModuleUrl('./submission-writer-thread', import.meta.url);

/** What commits a queue's submissions instead of its own connection (see Queue.commitSubmissionsWith). */
export interface SubmissionSink {
  /** Resolves once `submission` is durable, with the job it resolved to. */
  submit(submission: CommittableSubmission): Promise<SubmitResult>;
}

/** Options of {@link SubmissionWriter.start}. */
export interface SubmissionWriterOptions {
  /** How long the thread's writes wait for another process's write lock (ms). */
  busyTimeoutMs?: number;
  /** Told when the thread's connection breaks (a failed flush): stop, and restart. */
  onBroken?: (error: Error) => void;
  /** The thread's module (default `submission-writer-thread` beside this file); tests only. */
  threadUrl?: URL;
}

interface Pending {
  jobId: string;
  resolve(result: SubmitResult): void;
  reject(error: unknown): void;
}

interface Thread {
  worker: Worker;
  pending: Map<number, Pending>;
  ready: Promise<void>;
  /** The SQL texts sent to it so far, by their number (see WriterRequest). */
  sql: Map<string, number>;
  /** Submissions made for it in this turn of the loop, sent together at its end. */
  outbox: WriterItem[];
  /** SQL texts first used in this turn. */
  newSql: string[];
  /** It ended (see #ended): nothing more is sent to it. */
  ended?: boolean;
}

/**
 * Job submissions committed on a thread of their own: a second connection to the queue's
 * embedded file, owned by a worker thread, so that a job API's event loop never runs a
 * write transaction (its inserts, triggers, indexes and COMMIT were most of what a
 * submission cost it). The API thread still checks each submission and builds its
 * statements, ids included ({@link CommittableSubmission}); those made in one turn of its
 * loop leave in one message, and the thread commits the ones that arrive together in one
 * transaction with one flush ({@link GroupCommit}: each keeps the outcome it would have
 * alone: idempotency keys in order, a failing one alone). Each promise settles only once
 * its commit is on disk.
 *
 * The thread's commits count as the API connection's own ({@link CommitTally}), so what
 * the API keeps while no other process writes (verified keys) stays kept. Other processes
 * learn of each commit through the signal file, as from any writer. A thread that ends
 * fails what it had not answered ({@link SubmissionWriterError}: stored or not, unknown)
 * and the next submission starts another.
 *
 * @example
 * ```ts
 * const queue = await openQueue('.noob/noob.db');
 * const writer = await SubmissionWriter.start('.noob/noob.db', queue.driver);
 * queue.commitSubmissionsWith(writer);
 * // … serve; then:
 * queue.commitSubmissionsWith(undefined);
 * await writer.close();
 * await queue.close();
 * ```
 */
export class SubmissionWriter implements SubmissionSink {
  readonly #path: string;
  // As the connections name the file (commit announcements are by that name).
  readonly #realPath: string;
  readonly #tally = new CommitTally();
  readonly #options: SubmissionWriterOptions;
  #thread: Thread | undefined;
  #next = 0;
  #closed = false;

  private constructor(path: string, options: SubmissionWriterOptions) {
    this.#path = path;
    this.#realPath = realpathSync(path);
    this.#options = options;
  }

  /**
   * A writer for the embedded file at `path`, whose commits `driver` (the caller's own
   * connection to it) counts as its own; resolves once the thread has the file open.
   */
  static async start(
    path: string,
    driver: QueueDriver,
    options: SubmissionWriterOptions = {},
  ): Promise<SubmissionWriter> {
    if (driver.kind !== 'embedded' || !driver.countCommitsOf) {
      throw new Error(`a submission writer thread needs an embedded database, not ${driver.kind}`);
    }
    const writer = new SubmissionWriter(path, options);
    driver.countCommitsOf(writer.#tally);
    await writer.#start().ready;
    return writer;
  }

  submit(submission: CommittableSubmission): Promise<SubmitResult> {
    if (this.#closed) {
      return Promise.reject(new SubmissionWriterError(submission.jobId, 'was closed'));
    }
    const thread = this.#thread ?? this.#start();
    const n = this.#next++;
    const { jobId, payloadHash, idempotencyKey, taskCount } = submission;
    const statements = submission.statements.map((s): [number, SqlStatement['params']] => [
      sqlNumber(thread, s.sql),
      s.params,
    ]);
    return new Promise<SubmitResult>((resolve, reject) => {
      if (thread.pending.size === 0) thread.worker.ref();
      thread.pending.set(n, { jobId, resolve, reject });
      thread.outbox.push([n, jobId, payloadHash, idempotencyKey ?? null, taskCount, statements]);
      if (thread.outbox.length === 1) setImmediate(() => send(thread));
    });
  }

  #start(): Thread {
    const setup: WriterSetup = {
      path: this.#path,
      tally: this.#tally.buffer,
      ...(this.#options.busyTimeoutMs !== undefined
        ? { busyTimeoutMs: this.#options.busyTimeoutMs }
        : {}),
    };
    const worker = new Worker(this.#options.threadUrl ?? THREAD_URL, { workerData: setup });
    worker.unref();
    let opened!: () => void;
    let failed!: (error: unknown) => void;
    const ready = new Promise<void>((resolve, reject) => {
      opened = resolve;
      failed = reject;
    });
    ready.catch(() => undefined);
    const thread: Thread = {
      worker,
      pending: new Map(),
      ready,
      sql: new Map(),
      outbox: [],
      newSql: [],
    };
    this.#thread = thread;
    worker.on('message', (report: WriterReport) => {
      if (report.type === 'ready') opened();
      else if (report.type === 'answers') this.#answered(thread, report.answers);
      else if (report.type === 'broken') this.#options.onBroken?.(receivedError(report.error));
      else failed(receivedError(report.error));
    });
    worker.on('error', (error) => {
      failed(error);
      this.#ended(thread, `failed (${error.message})`);
    });
    worker.once('exit', (code) => {
      failed(
        new Error(
          `the submission writer thread ended (exit code ${code}) before it opened ${this.#path}`,
        ),
      );
      this.#ended(thread, `ended (exit code ${code})`);
    });
    return thread;
  }

  #answered(thread: Thread, answers: WriterAnswer[]): void {
    // Listeners in this process (event streams, an in-process coordinator) hear at once;
    // other processes through the signal file the thread touched.
    announceCommit(this.#realPath);
    for (const answer of answers) {
      const pending = thread.pending.get(answer.n);
      if (!pending) continue;
      thread.pending.delete(answer.n);
      if ('error' in answer) pending.reject(receivedError(answer.error));
      else pending.resolve({ jobId: answer.jobId, created: answer.created });
    }
    // Closing, it stays referenced until it has ended (see close).
    if (thread.pending.size === 0 && !this.#closed) thread.worker.unref();
  }

  /** The thread is gone: what it had not answered fails; the next submission starts another. */
  #ended(thread: Thread, why: string): void {
    if (this.#thread === thread) this.#thread = undefined;
    // Its SQL numbers mean nothing to another thread: what it was to be sent is dropped.
    thread.outbox = [];
    thread.ended = true;
    for (const pending of thread.pending.values()) {
      pending.reject(new SubmissionWriterError(pending.jobId, why));
    }
    thread.pending.clear();
  }

  /** Commit what was submitted so far, then end the thread. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const thread = this.#thread;
    if (!thread) return;
    send(thread);
    const exited = new Promise<void>((resolve) => thread.worker.once('exit', () => resolve()));
    thread.worker.ref();
    thread.worker.postMessage({ type: 'close' } satisfies WriterRequest);
    await exited;
  }
}

/** The number `sql` goes by for `thread`; a new one is sent with its next message. */
function sqlNumber(thread: Thread, sql: string): number {
  let number = thread.sql.get(sql);
  if (number === undefined) {
    number = thread.sql.size;
    thread.sql.set(sql, number);
    thread.newSql.push(sql);
  }
  return number;
}

/** Send the thread this turn's submissions in one message (none to a thread that ended). */
function send(thread: Thread): void {
  const { outbox: items, newSql: sql } = thread;
  if (items.length === 0 || thread.ended) return;
  thread.outbox = [];
  thread.newSql = [];
  thread.worker.postMessage({ type: 'submit', sql, items } satisfies WriterRequest);
}
