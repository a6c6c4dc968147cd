import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Queue } from '../../core/queue/queue.ts';
import type { ClaimedTask } from '../../core/queue/types.ts';
import { TaskExecutor, UnknownNodeTypeError } from './executor.ts';
import { taskRequest } from './task.ts';

/** How a queue worker runs. */
export interface QueueWorkerOptions {
  queue: Queue;
  /** Default: host name + random suffix. */
  workerId?: string;
  /** Tags this worker offers (`gpu`, `cpu`, `region:…`); tasks needing others are not claimed. */
  tags?: readonly string[];
  /** Calls run at once (default 8). */
  concurrency?: number;
  /** Lease per claimed task (default 30 s); heartbeats extend it. */
  leaseMs?: number;
  /** Heartbeat period (default a third of the lease). */
  heartbeatMs?: number;
  /** Wait between claims when the queue is empty (default 10 ms). */
  idleMs?: number;
  /** Runs the node calls (default: built-ins, standard library, modules by path). */
  executor?: TaskExecutor;
}

/**
 * A worker that pulls node calls from the durable queue: claims tasks in batches up to
 * its free capacity, runs them with the same {@link TaskExecutor} as the HTTP worker,
 * and reports each result or failure. Heartbeats keep its leases; a task whose job was
 * cancelled (or whose lease was lost) has its `AbortSignal` fired at the next heartbeat.
 * `stop()` stops claiming, lets running calls finish and reports them.
 */
export class QueueWorker {
  readonly workerId: string;
  readonly #queue: Queue;
  readonly #tags: string[];
  readonly #concurrency: number;
  readonly #leaseMs: number;
  readonly #heartbeatMs: number;
  readonly #idleMs: number;
  readonly #executor: TaskExecutor;
  readonly #running = new Map<number, AbortController>();
  #stopping = false;
  #loop: Promise<void> | undefined;
  #completed = 0;

  constructor(options: QueueWorkerOptions) {
    this.#queue = options.queue;
    this.workerId = options.workerId ?? `${hostname()}-${randomUUID().slice(0, 8)}`;
    this.#tags = [...(options.tags ?? [])];
    this.#concurrency = options.concurrency ?? 8;
    this.#leaseMs = options.leaseMs ?? 30_000;
    this.#heartbeatMs = options.heartbeatMs ?? Math.max(50, Math.floor(this.#leaseMs / 3));
    this.#idleMs = options.idleMs ?? 10;
    this.#executor = options.executor ?? new TaskExecutor();
  }

  /** Tasks this worker finished (succeeded or failed). */
  get completed(): number {
    return this.#completed;
  }

  /** Registers the worker and starts claiming. */
  async start(): Promise<void> {
    await this.#queue.registerWorker(this.workerId, this.#tags);
    this.#loop = this.#run();
  }

  /** Stops claiming, waits for running calls to be reported, closes node instances. */
  async stop(): Promise<void> {
    this.#stopping = true;
    await this.#loop;
    await this.#executor.close();
  }

  async #run(): Promise<void> {
    const inFlight = new Set<Promise<void>>();
    let lastBeat = Date.now();
    while (!this.#stopping) {
      if (Date.now() - lastBeat >= this.#heartbeatMs) {
        lastBeat = Date.now();
        await this.#heartbeat();
      }
      const free = this.#concurrency - inFlight.size;
      const claimed =
        free > 0
          ? await this.#queue.claim({
              workerId: this.workerId,
              tags: this.#tags,
              max: free,
              leaseMs: this.#leaseMs,
            })
          : [];
      for (const task of claimed) {
        const pending: Promise<void> = this.#execute(task).finally(() => inFlight.delete(pending));
        inFlight.add(pending);
      }
      if (claimed.length === 0) {
        // Nothing to claim (or no room): wait for a call to finish or a short while.
        await Promise.race([
          new Promise((resolve) => setTimeout(resolve, this.#idleMs)),
          ...inFlight,
        ]);
      }
    }
    await Promise.allSettled(inFlight);
  }

  async #heartbeat(): Promise<void> {
    if (this.#running.size === 0) return;
    const { cancelled, lost } = await this.#queue.heartbeat(this.workerId, [
      ...this.#running.keys(),
    ]);
    for (const id of [...cancelled, ...lost])
      this.#running.get(id)?.abort(new Error(`task ${id} was cancelled or its lease lost`));
  }

  async #execute(task: ClaimedTask): Promise<void> {
    const controller = new AbortController();
    this.#running.set(task.id, controller);
    try {
      const parsed = taskRequest.safeParse(task.input);
      if (!parsed.success) {
        const problems = parsed.error.issues
          .map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`)
          .join('; ');
        await this.#queue.fail(
          this.workerId,
          task.id,
          new TypeError(`task ${task.cid} is not a node call: ${problems}`),
          { retryable: false },
        );
        return;
      }
      try {
        const result = await this.#executor.execute(parsed.data, controller.signal);
        await this.#queue.complete(this.workerId, task.id, result);
      } catch (error) {
        // An unknown type will not become known by retrying; a node's own error might pass.
        await this.#queue.fail(this.workerId, task.id, error, {
          retryable: !(error instanceof UnknownNodeTypeError),
        });
      }
    } finally {
      this.#running.delete(task.id);
      this.#completed++;
    }
  }
}
