import type { TaskRequest, TaskResult } from '../../../functions/worker/task.ts';
import { type BalancingStrategy, createPicker, type Picker } from './balancer.ts';
import type { BatchTransport } from './batch-channel.ts';
import type { BreakerOptions, BreakerState } from './breaker.ts';
import { NoWorkerAvailableError } from './errors.ts';
import { SharedCallQueue } from './shared-queue.ts';
import { JsonTransport } from './transport.ts';
import { LANE_DEPTH, type PendingCall, WorkerLink } from './worker-link.ts';

/** How the pool talks to its workers. */
export interface HttpWorkerPoolOptions {
  /** Worker base URLs (`http://127.0.0.1:9001`). */
  workers: readonly string[];
  /** The workers' token (`noob worker --http` prints it, or takes `--token`). */
  token?: string | undefined;
  strategy?: BalancingStrategy;
  breaker?: BreakerOptions;
  /** Per-request timeout (a request carries a batch of calls; default 30 s). */
  timeoutMs?: number;
  /** How batches travel (default `stream`; see {@link BatchTransport}). */
  transport?: BatchTransport;
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

/**
 * A set of HTTP workers behind one `call`: picks a worker by the balancing strategy,
 * keeps a circuit breaker per worker, retries worker faults (5xx, network errors,
 * timeouts) on another worker, and sends calls with the same sticky key to one worker.
 * A node's own failure (422) or a rejected task (4xx) is not the worker's fault: it is
 * neither retried nor counted against the breaker. Calls made together travel together:
 * each worker gets its ready calls in one request (see {@link WorkerLink}).
 */
export class HttpWorkerPool {
  readonly #workers: WorkerLink[];
  readonly #pick: Picker;
  readonly #retries: number;
  readonly #sticky = new Map<string, WorkerLink>();
  readonly #transport: JsonTransport;
  /** `least-loaded`: calls wait here until a worker has room (see {@link SharedCallQueue}). */
  readonly #shared: SharedCallQueue<WorkerLink> | undefined;

  constructor(options: HttpWorkerPoolOptions) {
    if (options.workers.length === 0)
      throw new TypeError('an HTTP worker pool needs at least one worker URL');
    this.#transport = new JsonTransport(options.token);
    const timeoutMs = options.timeoutMs ?? 30_000;
    this.#workers = options.workers.map(
      (url) =>
        new WorkerLink(url, this.#transport, {
          timeoutMs,
          breaker: options.breaker,
          streams: options.transport !== 'requests',
        }),
    );
    this.#pick = createPicker(options.strategy ?? 'round-robin', options.random);
    this.#retries = options.retries ?? this.#workers.length - 1;
    if (options.strategy === 'least-loaded') {
      const workers = this.#workers;
      this.#shared = new SharedCallQueue(workers, LANE_DEPTH.stateless, () => {
        for (const worker of workers) worker.pump();
      });
      for (const worker of workers) worker.shareFrom(this.#shared);
    }
  }

  /** Per worker: calls and batches (`requests`) sent, calls in flight, average latency, breaker state. */
  stats(): Array<{
    url: string;
    calls: number;
    requests: number;
    inFlight: number;
    averageMs: number | undefined;
    breaker: BreakerState;
  }> {
    return this.#workers.map((w) => ({
      url: w.url,
      calls: w.calls,
      requests: w.requests,
      inFlight: w.inFlight,
      averageMs: w.averageMs,
      breaker: w.breaker.state,
    }));
  }

  /**
   * Places a stateful instance now, before its first call: on the worker holding the
   * fewest instances, so two stateful nodes spread over two workers, and every call of
   * the instance (even two sent at once) reaches that one worker.
   */
  pin(stickyKey: string): void {
    if (this.#sticky.has(stickyKey)) return;
    const held = new Map(this.#workers.map((worker) => [worker, 0]));
    for (const worker of this.#sticky.values()) held.set(worker, held.get(worker)! + 1);
    const worker = this.#workers.reduce((best, w) => (held.get(w)! < held.get(best)! ? w : best));
    this.#sticky.set(stickyKey, worker);
  }

  /** URLs of the workers holding stateful nodes (sticky calls). */
  pinnedWorkers(): string[] {
    return [...new Set([...this.#sticky.values()].map((worker) => worker.url))];
  }

  /** Asks every worker to drop the node instances whose key starts with `prefix` (best effort). */
  async dropInstances(prefix: string): Promise<void> {
    for (const key of this.#sticky.keys()) if (key.startsWith(prefix)) this.#sticky.delete(key);
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

  /** Closes the pool's call streams and idle connections. */
  close(): void {
    for (const worker of this.#workers) worker.close();
    this.#transport.close();
  }

  /** Runs one task on some worker. */
  call(task: TaskRequest, options: PoolCallOptions = {}): Promise<TaskResult> {
    const { stickyKey, signal } = options;
    return new Promise<TaskResult>((resolve, reject) => {
      const tried = new Set<WorkerLink>();
      let settled = false;
      const finish = () => {
        settled = true;
        signal?.removeEventListener('abort', onAbort);
      };
      const onAbort = () => {
        if (settled) return;
        finish();
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      // One call object for every try: a fault hands it to dispatch again.
      const call: PendingCall = {
        task,
        signal,
        resolve: (result) => {
          if (settled) return;
          finish();
          resolve(result);
        },
        reject: (error) => {
          if (settled) return;
          finish();
          reject(error);
        },
        // Another worker, if any is left to try; never for a sticky call (#choose):
        // its node's state lives on the worker that failed.
        fault: (error) => {
          if (settled) return;
          if (signal?.aborted) return onAbort();
          dispatch(error);
        },
      };
      const dispatch = (lastFault: unknown): void => {
        // The first try of a stateless call under least-loaded: bound to whichever worker
        // has room first. Retries (and every other strategy) go to the worker chosen now.
        const shared = this.#shared && !stickyKey && tried.size === 0 ? this.#shared : undefined;
        if (shared && this.#workers.some((w) => w.breaker.allows())) {
          shared.push(call, tried);
          return;
        }
        const worker = tried.size <= this.#retries ? this.#choose(stickyKey, tried) : undefined;
        if (!worker) {
          finish();
          const reason = lastFault instanceof Error ? `: ${lastFault.message}` : '';
          reject(
            new NoWorkerAvailableError(
              `no worker could run node ${task.nodeId} in epoch ${task.epoch}${reason}`,
              { cause: lastFault },
            ),
          );
          return;
        }
        tried.add(worker);
        worker.enqueue(call);
      };
      if (signal?.aborted) onAbort();
      else dispatch(undefined);
    });
  }

  #choose(stickyKey: string | undefined, tried: Set<WorkerLink>): WorkerLink | undefined {
    if (stickyKey) {
      if (!this.#sticky.has(stickyKey)) this.pin(stickyKey);
      const pinned = this.#sticky.get(stickyKey)!;
      return tried.has(pinned) || !pinned.breaker.allows() ? undefined : pinned;
    }
    const candidates = this.#workers.filter((w) => !tried.has(w) && w.breaker.allows());
    return candidates.length === 0 ? undefined : (this.#pick(candidates) as WorkerLink);
  }
}
