import { Worker } from 'node:worker_threads';
import { ownModuleUrl, THREAD_EXEC_ARGV } from '../../package-layout.ts';
import { RunCancelledError } from '../errors.ts';
import { WorkerThreadExitedError } from './errors.ts';
import { type FromWorker, restoreError, type ToWorker, type WorkerSetup } from './protocol.ts';

const WORKER_URL = ownModuleUrl('./worker', import.meta.url);
/** How long a thread gets to run its nodes' `deinit` hooks before it is terminated. */
const DEINIT_GRACE_MS = 5_000;

/** What one call gives back: one value per output signal, `silent` ones did not fire. */
export interface ThreadCallResult {
  exhausted: boolean;
  values: unknown[];
  silent: number[];
}

/** How a {@link ThreadPool} starts its threads. */
export interface ThreadPoolOptions {
  size: number;
  /** The `workerData` for the thread in `slot`; asked again when a replacement starts. */
  setup: (slot: number) => WorkerSetup;
  /**
   * Called when the thread in `slot` dies unexpectedly, before its in-flight calls are
   * rejected and before its replacement starts (so the replacement's setup can leave out
   * what was lost).
   */
  onThreadLost?: (slot: number, error: WorkerThreadExitedError) => void;
}

interface Pending {
  resolve: (result: ThreadCallResult) => void;
  reject: (error: unknown) => void;
  release: () => void;
}

/** One live thread in a slot. */
class Thread {
  readonly worker: Worker;
  readonly threadId: number;
  readonly ready: Promise<void>;
  readonly exited: Promise<number>;
  readonly pending = new Map<number, Pending>();
  state: 'starting' | 'ready' | 'broken' | 'closing' | 'exited' = 'starting';
  calls = 0;
  crash: unknown;
  deinited: ((error: Error | undefined) => void) | undefined;

  constructor(setup: WorkerSetup) {
    this.worker = new Worker(WORKER_URL, {
      workerData: setup,
      execArgv: [...process.execArgv, ...THREAD_EXEC_ARGV],
    });
    this.threadId = this.worker.threadId;
    this.exited = new Promise((resolve) => this.worker.once('exit', resolve));
    this.worker.on('error', (error) => {
      this.crash = error;
    });
    this.ready = new Promise<void>((resolve, reject) => {
      const onMessage = (message: FromWorker) => {
        if (message.type === 'ready') {
          this.state = 'ready';
          this.worker.unref();
          resolve();
        } else if (message.type === 'failed') {
          this.state = 'broken';
          reject(restoreError(message.error));
          void this.worker.terminate();
        } else return;
        this.worker.off('message', onMessage);
        this.worker.off('exit', onExit);
      };
      const onExit = (code: number) => {
        this.state = 'broken';
        reject(
          new WorkerThreadExitedError(
            `worker thread ${this.threadId} exited with code ${code} while loading the tube`,
            this.threadId,
            code,
            { cause: this.crash },
          ),
        );
      };
      this.worker.on('message', onMessage);
      this.worker.once('exit', onExit);
    });
    // Callers of start() see the rejection; this only keeps it from being unhandled.
    this.ready.catch(() => {});
  }

  post(message: ToWorker): void {
    this.worker.postMessage(message);
  }
}

/**
 * A fixed number of worker threads, each in a slot. `call` runs one node call on the
 * thread in a given slot. When a thread dies, its in-flight calls reject with
 * {@link WorkerThreadExitedError} and a replacement starts in the same slot (unless it
 * died while starting: then the slot stays broken rather than crash-looping).
 * Idle threads are unref'd, so a forgotten runner does not keep the process alive.
 */
export class ThreadPool {
  readonly #options: ThreadPoolOptions;
  readonly #threads: Thread[] = [];
  #nextId = 0;
  #cursor = 0;
  #closed = false;

  constructor(options: ThreadPoolOptions) {
    if (!Number.isInteger(options.size) || options.size < 1)
      throw new RangeError(`a thread pool needs at least 1 thread (got ${options.size})`);
    this.#options = options;
  }

  /** Starts every thread and waits until each has loaded the tube. */
  async start(): Promise<void> {
    for (let slot = 0; slot < this.#options.size; slot++) this.#threads.push(this.#spawn(slot));
    await Promise.all(this.#threads.map((thread) => thread.ready));
  }

  get size(): number {
    return this.#options.size;
  }

  /** Ids of the threads that are running now (not yet exited). */
  get threadIds(): number[] {
    return this.#threads.filter((t) => t.state !== 'exited').map((t) => t.threadId);
  }

  /** Per slot: its current thread, calls sent to it and calls in flight. */
  stats(): Array<{ slot: number; threadId: number; calls: number; inFlight: number }> {
    return this.#threads.map((t, slot) => ({
      slot,
      threadId: t.threadId,
      calls: t.calls,
      inFlight: t.pending.size,
    }));
  }

  /** The slot with the fewest calls in flight (ties go round the slots), or -1 if none works. */
  leastBusy(): number {
    let best = -1;
    const count = this.#threads.length;
    for (let i = 0; i < count; i++) {
      const slot = (this.#cursor + i) % count;
      const thread = this.#threads[slot]!;
      if (thread.state === 'broken' || thread.state === 'exited') continue;
      if (best < 0 || thread.pending.size < this.#threads[best]!.pending.size) best = slot;
    }
    if (best >= 0) this.#cursor = (best + 1) % count;
    return best;
  }

  /** Runs node `node` on the thread in `slot`. Rejects with the node's error (rebuilt). */
  async call(
    slot: number,
    node: number,
    epoch: string,
    inputs: Record<string, unknown>,
    signal: AbortSignal,
  ): Promise<ThreadCallResult> {
    const thread = this.#threads[slot];
    if (!thread || this.#closed) throw new RunCancelledError('the parallel runner was deinit');
    if (thread.state === 'starting') await thread.ready;
    if (thread.state !== 'ready')
      throw new WorkerThreadExitedError(
        `worker thread ${thread.threadId} (slot ${slot}) is not running`,
        thread.threadId,
        -1,
        { cause: thread.crash },
      );
    if (signal.aborted) throw new RunCancelledError('the run was cancelled');
    const id = this.#nextId++;
    return new Promise<ThreadCallResult>((resolve, reject) => {
      const onAbort = () => {
        // The call is abandoned here; the thread is told, and its answer will be ignored.
        if (!thread.pending.has(id)) return;
        thread.pending.get(id)!.release();
        thread.post({ type: 'abort', id });
        reject(new RunCancelledError('the run was cancelled'));
      };
      const release = () => {
        thread.pending.delete(id);
        signal.removeEventListener('abort', onAbort);
        if (thread.pending.size === 0 && thread.state === 'ready') thread.worker.unref();
      };
      if (thread.pending.size === 0) thread.worker.ref();
      thread.pending.set(id, { resolve, reject, release });
      signal.addEventListener('abort', onAbort, { once: true });
      thread.calls++;
      try {
        thread.post({ type: 'call', id, node, epoch, inputs });
      } catch (error) {
        // An input that cannot be cloned (a function, a live handle): the node's failure.
        release();
        reject(error);
      }
    });
  }

  #spawn(slot: number): Thread {
    const thread = new Thread(this.#options.setup(slot));
    thread.worker.on('message', (message: FromWorker) => {
      if (message.type === 'result' || message.type === 'error') {
        const pending = thread.pending.get(message.id);
        if (!pending) return;
        pending.release();
        if (message.type === 'error') pending.reject(restoreError(message.error));
        else pending.resolve(message);
      } else if (message.type === 'deinited') {
        thread.deinited?.(message.error ? restoreError(message.error) : undefined);
      }
    });
    thread.worker.once('exit', (code) => {
      const wasReady = thread.state === 'ready';
      thread.state = 'exited';
      // A thread that never got ready failed its start (its callers saw why); one that is
      // closing was asked to stop.
      if (!wasReady || this.#closed) return;
      const error = new WorkerThreadExitedError(
        `worker thread ${thread.threadId} (slot ${slot}) exited with code ${code}`,
        thread.threadId,
        code,
        { cause: thread.crash },
      );
      this.#options.onThreadLost?.(slot, error);
      for (const pending of [...thread.pending.values()]) {
        pending.release();
        pending.reject(error);
      }
      if (wasReady) this.#threads[slot] = this.#spawn(slot);
    });
    return thread;
  }

  /**
   * Lets every thread run its nodes' `deinit` hooks, then terminates it and waits until
   * it has exited. Calls still in flight are abandoned. Throws the first deinit failure.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const failures = await Promise.all(this.#threads.map((thread) => this.#closeThread(thread)));
    const failure = failures.find((error) => error !== undefined);
    if (failure) throw failure;
  }

  async #closeThread(thread: Thread): Promise<Error | undefined> {
    for (const pending of [...thread.pending.values()]) {
      pending.release();
      pending.reject(new RunCancelledError('the parallel runner was deinit'));
    }
    if (thread.state === 'exited') return undefined;
    let failure: Error | undefined;
    if (thread.state === 'ready') {
      thread.state = 'closing';
      thread.worker.ref();
      let timer: NodeJS.Timeout | undefined;
      failure = await new Promise<Error | undefined>((resolve) => {
        thread.deinited = resolve;
        timer = setTimeout(() => resolve(undefined), DEINIT_GRACE_MS);
        void thread.exited.then(() => resolve(undefined));
        thread.post({ type: 'deinit' });
      });
      clearTimeout(timer);
    }
    thread.state = 'closing';
    await thread.worker.terminate();
    await thread.exited;
    thread.state = 'exited';
    return failure;
  }
}
