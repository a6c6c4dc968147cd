import type { BatchEntry } from '../../../functions/worker/batch.ts';
import type { TaskRequest, TaskResult } from '../../../functions/worker/task.ts';
import type { WorkerStats } from './balancer.ts';
import { BatchChannel } from './batch-channel.ts';
import { type BreakerOptions, CircuitBreaker } from './breaker.ts';
import { RemoteNodeError, TaskRejectedError } from './errors.ts';
import type { SharedCallQueue } from './shared-queue.ts';
import type { JsonTransport } from './transport.ts';

/** Most calls in one request: a bounded body, and a worker that answers now and then. */
const MAX_BATCH = 64;
/**
 * Requests in flight per lane. Stateless calls: two, so the worker has the next batch
 * while it runs one. Calls of stateful instances: one, so they reach the worker in the
 * order they were sent (several connections could reorder them).
 */
export const LANE_DEPTH = { stateless: 2, instance: 1 } as const;

/** A call waiting for its worker's answer. */
export interface PendingCall {
  readonly task: TaskRequest;
  readonly signal: AbortSignal | undefined;
  resolve(result: TaskResult): void;
  /** A node's failure or a rejected task: final. */
  reject(error: unknown): void;
  /** The worker failed (5xx, connection lost, timeout): the pool may try another. */
  fault(error: unknown): void;
}

type Lane = keyof typeof LANE_DEPTH;

/**
 * One worker as the pool sees it: its breaker, its statistics, and two lanes of calls
 * waiting to go. Ready calls are sent together, as one batch (a frame of the worker's call
 * stream, see {@link BatchChannel}), whenever a lane has room: while a batch is out, the
 * calls that become ready meanwhile gather into the next one. Stateful calls have their own lane, so a cheap source is not sent behind a
 * batch of long calls (the worker runs it between two of them). With a shared queue
 * (`least-loaded`), the stateless lane also takes its share of the calls no worker has
 * been chosen for yet whenever it has room.
 */
export class WorkerLink implements WorkerStats {
  readonly url: string;
  readonly breaker: CircuitBreaker;
  /** Calls queued here or sent and not answered. */
  inFlight = 0;
  /** Calls sent. */
  calls = 0;
  /** Batches sent (frames of its call stream, or requests). */
  requests = 0;
  averageMs: number | undefined;
  readonly #channel: BatchChannel;
  readonly #queued: Record<Lane, PendingCall[]> = { stateless: [], instance: [] };
  readonly #sending: Record<Lane, number> = { stateless: 0, instance: 0 };
  #flushScheduled = false;
  #shared: SharedCallQueue<WorkerLink> | undefined;

  constructor(
    url: string,
    transport: JsonTransport,
    options: { timeoutMs: number; breaker?: BreakerOptions | undefined; streams: boolean },
  ) {
    this.url = url.replace(/\/+$/, '');
    this.breaker = new CircuitBreaker(options.breaker);
    this.#channel = new BatchChannel(this.url, transport, options.timeoutMs, options.streams);
  }

  /** Closes its call stream (the next batch would open another). */
  close(): void {
    this.#channel.close();
  }

  /** Lets the stateless lane take shares of `shared` when its own queue is empty. */
  shareFrom(shared: SharedCallQueue<WorkerLink>): void {
    this.#shared = shared;
  }

  /** Sends what there is room for (a shared queue's new calls, for one). */
  pump(): void {
    this.#flush('stateless');
  }

  /** Queues a call; it goes out with the others made in this turn of the event loop. */
  enqueue(call: PendingCall): void {
    this.inFlight++;
    this.#queued[call.task.instance ? 'instance' : 'stateless'].push(call);
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    queueMicrotask(() => {
      this.#flushScheduled = false;
      this.#flush('instance');
      this.#flush('stateless');
    });
  }

  #flush(lane: Lane): void {
    while (this.#sending[lane] < LANE_DEPTH[lane]) {
      const taken = this.#take(lane, LANE_DEPTH[lane] - this.#sending[lane]);
      if (taken.length === 0) return;
      const batch = taken.filter((call) => {
        if (!call.signal?.aborted) return true;
        this.inFlight--;
        call.reject(call.signal.reason);
        return false;
      });
      if (batch.length === 0) continue;
      this.#sending[lane]++;
      void this.#send(batch).finally(() => {
        this.inFlight -= batch.length;
        this.#sending[lane]--;
        this.#flush(lane);
      });
    }
  }

  /** The next batch: this worker's own queue first, else its share of the shared queue. */
  #take(lane: Lane, room: number): PendingCall[] {
    const queue = this.#queued[lane];
    // Shared between the requests there is room for: the worker runs them in order,
    // so the first comes back (and is refilled) while it runs the next.
    if (queue.length > 0)
      return queue.splice(0, Math.min(MAX_BATCH, Math.ceil(queue.length / room)));
    if (lane !== 'stateless' || !this.#shared || !this.breaker.allows()) return [];
    const taken = this.#shared.take(this, MAX_BATCH);
    this.inFlight += taken.length;
    return taken;
  }

  async #send(batch: PendingCall[]): Promise<void> {
    this.breaker.begin();
    this.calls += batch.length;
    this.requests++;
    const started = performance.now();
    let entries: BatchEntry[];
    try {
      const response = await this.#channel.send(batch.map((call) => call.task));
      const error = response.body?.error;
      if (response.status === 413 && batch.length > 1) {
        // Too large together (the worker's body limit): each half on its own.
        this.breaker.success();
        this.calls -= batch.length;
        const half = Math.ceil(batch.length / 2);
        await Promise.all([this.#send(batch.slice(0, half)), this.#send(batch.slice(half))]);
        return;
      }
      if (response.status >= 500 || response.status === 0)
        throw new Error(`${this.url} answered ${response.status}: ${error?.message ?? 'no body'}`);
      if (response.status !== 200 || !Array.isArray(response.body?.results)) {
        // The worker refused the request itself (token, body): no call can succeed there.
        this.breaker.success();
        const refusal = new TaskRejectedError(
          `${this.url} rejected the request: ${error?.message ?? `HTTP ${response.status}`}`,
          response.status,
          error?.code ?? 'unknown',
        );
        for (const call of batch) call.reject(refusal);
        return;
      }
      entries = response.body.results;
    } catch (error) {
      this.breaker.failure();
      for (const call of batch) call.fault(error);
      this.#shared?.releaseIfStuck(error);
      return;
    }
    this.breaker.success();
    const elapsed = performance.now() - started;
    this.averageMs = this.averageMs === undefined ? elapsed : this.averageMs * 0.8 + elapsed * 0.2;
    for (let i = 0; i < batch.length; i++) settle(this.url, batch[i]!, entries[i]);
  }
}

/** Resolves or rejects one call with its entry of the batch's answer. */
function settle(url: string, call: PendingCall, entry: BatchEntry | undefined): void {
  if (entry?.ok) {
    call.resolve({ cid: entry.cid, outputs: entry.outputs, exhausted: entry.exhausted });
  } else if (entry?.code === 'node_failed') {
    const cause = entry.details as { name?: string; message?: string } | undefined;
    call.reject(new RemoteNodeError(cause?.message ?? entry.message, cause?.name ?? 'Error'));
  } else {
    call.reject(
      new TaskRejectedError(
        `${url} rejected the task: ${entry?.message ?? 'no answer for it'}`,
        entry?.status ?? 0,
        entry?.code ?? 'unknown',
      ),
    );
  }
}
