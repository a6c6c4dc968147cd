import { Worker } from 'node:worker_threads';
import { ownModuleUrl, THREAD_EXEC_ARGV } from '../../core/package-layout.ts';
import { envLimit } from '../../core/queue/limits.ts';
import { TubeLoadError } from '../../core/tube/errors.ts';
import { TenantTurns } from './tenant-turns.ts';
import { TubeCheckBusyError, TubeCheckThreadError } from './tube-check-errors.ts';
import type {
  TubeCheckAnswer,
  TubeChecker,
  TubeCheckReady,
  TubeCheckRequest,
  TubeCheckSetup,
  TubeCheckSummary,
} from './tube-check-protocol.ts';

const THREAD_URL = ownModuleUrl('./tube-check-thread', import.meta.url);

/** Sizes and bounds of a {@link TubeCheckPool} (docs/limits.md). */
export interface TubeCheckPoolOptions {
  /** Threads checking at once (default NOOB_TUBE_CHECK_THREADS, else 2). */
  threads?: number;
  /** Longest one check may take before its thread is ended and the tube refused (ms, default NOOB_TUBE_CHECK_TIMEOUT_MS, else 10,000). */
  timeoutMs?: number;
  /** Checks one tenant may have waiting for a thread (default 16); past it, `TubeCheckBusyError`. */
  maxWaitingPerTenant?: number;
  /** Heap one thread may use (MiB, default 512): a tube that needs more fails alone. */
  maxHeapMb?: number;
  /** The thread's module (default `tube-check-thread` beside this file). */
  threadUrl?: URL;
}

interface Check {
  tenant: string;
  tube: string;
  inputs: Record<string, unknown>;
  resolve: (summary: TubeCheckSummary) => void;
  reject: (error: unknown) => void;
}

/** One checking thread, and the check it is on. */
interface Thread {
  worker: Worker;
  state: 'starting' | 'idle' | 'busy' | 'gone';
  check?: Check;
  timer?: NodeJS.Timeout;
}

/**
 * Submitted tubes checked on worker threads, never on the job API's event loop: parsing a
 * megabyte of YAML or validating a thousand nodes costs a second or more, and a tenant
 * could send such tubes again and again. Each check is bounded:
 * - in time: a check over `timeoutMs` ends its thread (a fresh one replaces it) and the
 *   tube is refused with a `TubeLoadError` saying so;
 * - in memory: a thread's heap is capped (`maxHeapMb`), so a tube that needs more ends
 *   its thread alone;
 * - in turns: tenants take the threads in turn, one tenant at most `threads − 1` of them
 *   (so another tenant always finds one), with at most `maxWaitingPerTenant` checks
 *   waiting (then {@link TubeCheckBusyError}, a 429).
 * Threads start on the first check and do not keep the process alive.
 *
 * @example
 * ```ts
 * const checker = new TubeCheckPool({ tubePaths: ['tubes'] });
 * const { text, nodeCount } = await checker.check('acme', 'testing-basic', {});
 * await checker.close();
 * ```
 */
export class TubeCheckPool implements TubeChecker {
  readonly #setup: TubeCheckSetup;
  readonly #threads: Thread[] = [];
  readonly #size: number;
  readonly #timeoutMs: number;
  readonly #maxHeapMb: number;
  readonly #threadUrl: URL;
  readonly #turns: TenantTurns<Check>;
  #nextId = 0;
  #closed = false;

  constructor(options: TubeCheckSetup['options'], pool: TubeCheckPoolOptions = {}) {
    this.#setup = { options };
    this.#size = pool.threads ?? envLimit('NOOB_TUBE_CHECK_THREADS', 2);
    this.#timeoutMs = pool.timeoutMs ?? envLimit('NOOB_TUBE_CHECK_TIMEOUT_MS', 10_000);
    this.#maxHeapMb = pool.maxHeapMb ?? 512;
    this.#threadUrl = pool.threadUrl ?? THREAD_URL;
    this.#turns = new TenantTurns(Math.max(1, this.#size - 1), pool.maxWaitingPerTenant ?? 16);
  }

  check(tenant: string, tube: string, inputs: Record<string, unknown>): Promise<TubeCheckSummary> {
    if (this.#closed) return Promise.reject(new Error('the tube check pool is closed'));
    return new Promise((resolve, reject) => {
      const check: Check = { tenant, tube, inputs, resolve, reject };
      if (!this.#turns.add(tenant, check)) {
        reject(new TubeCheckBusyError(tenant, this.#turns.maxWaiting));
        return;
      }
      this.#dispatch();
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const check of this.#turns.drain()) check.reject(new Error('the job API is stopping'));
    await Promise.all(this.#threads.map((thread) => this.#end(thread, 'the job API is stopping')));
  }

  /** Give idle threads the next checks in turn, starting threads up to the pool's size. */
  #dispatch(): void {
    this.#threads.splice(
      0,
      this.#threads.length,
      ...this.#threads.filter((t) => t.state !== 'gone'),
    );
    while (this.#threads.length < this.#size && this.#turns.waiting > this.#starting()) {
      this.#threads.push(this.#start());
    }
    for (const thread of this.#threads) {
      if (thread.state !== 'idle') continue;
      const check = this.#turns.next();
      if (!check) return;
      this.#run(thread, check);
    }
  }

  #starting(): number {
    return this.#threads.filter((t) => t.state === 'starting' || t.state === 'idle').length;
  }

  #start(): Thread {
    const worker = new Worker(this.#threadUrl, {
      workerData: this.#setup,
      execArgv: [...process.execArgv, ...THREAD_EXEC_ARGV],
      resourceLimits: { maxOldGenerationSizeMb: this.#maxHeapMb },
    });
    worker.unref();
    const thread: Thread = { worker, state: 'starting' };
    worker.on('message', (message: TubeCheckAnswer | TubeCheckReady) => {
      if ('ready' in message) {
        thread.state = 'idle';
      } else {
        const check = this.#release(thread);
        if (!check) return;
        if (message.ok) check.resolve(message.checked);
        else check.reject(restoreError(message.error));
      }
      this.#dispatch();
    });
    // A thread that dies (its heap cap, a crash) fails its check alone; another replaces it.
    worker.on('error', (error) => this.#lost(thread, `it failed: ${error.message}`));
    worker.on('exit', (code) => this.#lost(thread, `its thread exited with code ${code}`));
    return thread;
  }

  #run(thread: Thread, check: Check): void {
    thread.state = 'busy';
    thread.check = check;
    thread.timer = setTimeout(() => {
      void this.#end(thread, `checking it took over ${this.#timeoutMs} ms, the limit`);
    }, this.#timeoutMs);
    thread.timer.unref();
    const request: TubeCheckRequest = {
      id: this.#nextId++,
      tube: check.tube,
      inputs: check.inputs,
      tubePath: process.env.NOOB_TUBE_PATH,
    };
    try {
      thread.worker.postMessage(request);
    } catch (error) {
      // Inputs a thread cannot be sent (too deep to copy): refused, the thread stays.
      this.#release(thread)?.reject(error);
      queueMicrotask(() => this.#dispatch());
    }
  }

  /** The thread's check, taken off it (and its turn given back); the thread idle again. */
  #release(thread: Thread): Check | undefined {
    const check = thread.check;
    clearTimeout(thread.timer);
    thread.check = undefined;
    if (thread.state === 'busy') thread.state = 'idle';
    if (check) this.#turns.done(check.tenant);
    return check;
  }

  /** End a thread, refusing the tube it was checking with `why`. */
  async #end(thread: Thread, why: string): Promise<void> {
    this.#lost(thread, why);
    await thread.worker.terminate();
  }

  #lost(thread: Thread, why: string): void {
    if (thread.state === 'gone') return;
    const starting = thread.state === 'starting';
    const check = this.#release(thread);
    thread.state = 'gone';
    check?.reject(uncheckable(why));
    if (starting) {
      // A thread that cannot even start would fail again: fail what waits, start no other.
      const error = new TubeCheckThreadError(`the tube check thread could not start: ${why}`);
      for (const waiting of this.#turns.drain()) waiting.reject(error);
      return;
    }
    if (!this.#closed) this.#dispatch();
  }
}

/** A tube refused because checking it was cut short. */
function uncheckable(why: string): TubeLoadError {
  const message = `the tube could not be checked: ${why}; send a smaller or simpler tube`;
  return new TubeLoadError(message, '<tube>', [{ path: [], message }]);
}

/** A thread's error as the class the API matches on (by `name`). */
function restoreError(error: Extract<TubeCheckAnswer, { ok: false }>['error']): Error {
  if (error.name === 'TubeLoadError') {
    return new TubeLoadError(error.shortMessage, error.file ?? '<tube>', error.problems ?? []);
  }
  return Object.assign(new Error(error.message), {
    name: error.name,
    shortMessage: error.shortMessage,
  });
}
