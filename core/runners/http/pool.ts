import type { TaskRequest, TaskResult } from '../../../functions/worker/task.ts';
import { type BalancingStrategy, createPicker, type Picker, type WorkerStats } from './balancer.ts';
import { type BreakerOptions, type BreakerState, CircuitBreaker } from './breaker.ts';
import { NoWorkerAvailableError, RemoteNodeError, TaskRejectedError } from './errors.ts';
import { JsonTransport } from './transport.ts';

/** How the pool talks to its workers. */
export interface HttpWorkerPoolOptions {
  /** Worker base URLs (`http://127.0.0.1:9001`). */
  workers: readonly string[];
  strategy?: BalancingStrategy;
  breaker?: BreakerOptions;
  /** Per-call timeout (default 30 s). */
  timeoutMs?: number;
  /** Other workers to try after a worker fault (default: all the others). */
  retries?: number;
  /** Random source for the `random` strategy. */
  random?: () => number;
}

/** Options of one call. */
export interface PoolCallOptions {
  /** Calls with the same key go to the same worker while it is up (stateful nodes). */
  stickyKey?: string | undefined;
  signal?: AbortSignal | undefined;
}

class WorkerEntry implements WorkerStats {
  readonly url: string;
  readonly breaker: CircuitBreaker;
  inFlight = 0;
  calls = 0;
  averageMs: number | undefined;

  constructor(url: string, breaker: BreakerOptions | undefined) {
    this.url = url.replace(/\/+$/, '');
    this.breaker = new CircuitBreaker(breaker);
  }
}

/**
 * A set of HTTP workers behind one `call`: picks a worker by the balancing strategy,
 * keeps a circuit breaker per worker, retries worker faults (5xx, network errors,
 * timeouts) on another worker, and sends calls with the same sticky key to one worker.
 * A node's own failure (422) or a rejected task (4xx) is not the worker's fault: it is
 * neither retried nor counted against the breaker.
 */
export class HttpWorkerPool {
  readonly #workers: WorkerEntry[];
  readonly #pick: Picker;
  readonly #timeoutMs: number;
  readonly #retries: number;
  readonly #sticky = new Map<string, WorkerEntry>();
  readonly #transport = new JsonTransport();

  constructor(options: HttpWorkerPoolOptions) {
    if (options.workers.length === 0)
      throw new TypeError('an HTTP worker pool needs at least one worker URL');
    this.#workers = options.workers.map((url) => new WorkerEntry(url, options.breaker));
    this.#pick = createPicker(options.strategy ?? 'round-robin', options.random);
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#retries = options.retries ?? this.#workers.length - 1;
  }

  /** Per worker: calls sent, in flight, average latency, breaker state. */
  stats(): Array<{
    url: string;
    calls: number;
    inFlight: number;
    averageMs: number | undefined;
    breaker: BreakerState;
  }> {
    return this.#workers.map((w) => ({
      url: w.url,
      calls: w.calls,
      inFlight: w.inFlight,
      averageMs: w.averageMs,
      breaker: w.breaker.state,
    }));
  }

  /** URLs of the workers holding stateful nodes (sticky calls). */
  pinnedWorkers(): string[] {
    return [...new Set([...this.#sticky.values()].map((worker) => worker.url))];
  }

  /** Asks every worker to drop the node instances whose key starts with `prefix` (best effort). */
  async dropInstances(prefix: string): Promise<void> {
    await Promise.allSettled(
      this.#workers.map((worker) =>
        this.#transport.request(
          'DELETE',
          `${worker.url}/v1/instances?prefix=${encodeURIComponent(prefix)}`,
          undefined,
          { timeoutMs: 5_000 },
        ),
      ),
    );
  }

  /** Closes the pool's idle connections. */
  close(): void {
    this.#transport.close();
  }

  /** Runs one task on some worker. */
  async call(task: TaskRequest, options: PoolCallOptions = {}): Promise<TaskResult> {
    const tried = new Set<WorkerEntry>();
    let lastFault: unknown;
    for (let attempt = 0; attempt <= this.#retries; attempt++) {
      const worker = this.#choose(options.stickyKey, tried);
      if (!worker) break;
      tried.add(worker);
      try {
        const result = await this.#send(worker, task, options.signal);
        if (options.stickyKey) this.#sticky.set(options.stickyKey, worker);
        return result;
      } catch (error) {
        if (error instanceof RemoteNodeError || error instanceof TaskRejectedError) throw error;
        if (options.signal?.aborted) throw error;
        lastFault = error;
        // A sticky call cannot move: its node's state lives on that worker.
        if (options.stickyKey && this.#sticky.get(options.stickyKey) === worker) break;
      }
    }
    const reason = lastFault instanceof Error ? `: ${lastFault.message}` : '';
    throw new NoWorkerAvailableError(
      `no worker could run node ${task.nodeId} in epoch ${task.epoch}${reason}`,
      { cause: lastFault },
    );
  }

  #choose(stickyKey: string | undefined, tried: Set<WorkerEntry>): WorkerEntry | undefined {
    if (stickyKey) {
      const pinned = this.#sticky.get(stickyKey);
      if (pinned) return tried.has(pinned) || !pinned.breaker.allows() ? undefined : pinned;
    }
    const candidates = this.#workers.filter((w) => !tried.has(w) && w.breaker.allows());
    return candidates.length === 0 ? undefined : (this.#pick(candidates) as WorkerEntry);
  }

  async #send(
    worker: WorkerEntry,
    task: TaskRequest,
    signal: AbortSignal | undefined,
  ): Promise<TaskResult> {
    worker.breaker.begin();
    worker.inFlight++;
    worker.calls++;
    const started = performance.now();
    try {
      const response = await this.#transport.request('POST', `${worker.url}/v1/tasks`, task, {
        signal,
        timeoutMs: this.#timeoutMs,
      });
      const body = response.body;
      const ok = response.status >= 200 && response.status < 300;
      if (ok) {
        worker.breaker.success();
        const elapsed = performance.now() - started;
        worker.averageMs =
          worker.averageMs === undefined ? elapsed : worker.averageMs * 0.8 + elapsed * 0.2;
        return body as TaskResult;
      }
      const code = body?.error?.code ?? 'unknown';
      const message = body?.error?.message ?? `HTTP ${response.status}`;
      if (response.status === 422 && code === 'node_failed') {
        worker.breaker.success();
        throw new RemoteNodeError(
          body.error.details?.message ?? message,
          body.error.details?.name ?? 'Error',
        );
      }
      if (response.status >= 400 && response.status < 500) {
        worker.breaker.success();
        throw new TaskRejectedError(
          `${worker.url} rejected the task: ${message}`,
          response.status,
          code,
        );
      }
      throw new Error(`${worker.url} answered ${response.status}: ${message}`);
    } catch (error) {
      // A worker fault (5xx, connection lost, timeout) counts against its breaker; the
      // node's own failure, a rejected task or our own cancellation does not.
      const notTheWorker =
        error instanceof RemoteNodeError || error instanceof TaskRejectedError || signal?.aborted;
      if (!notTheWorker) worker.breaker.failure();
      throw error;
    } finally {
      worker.inFlight--;
    }
  }
}
