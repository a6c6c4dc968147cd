import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { WorkerInvocation } from './invocation.ts';

/** How a {@link LambdaDispatcher} invokes the worker function. */
export interface LambdaDispatcherOptions {
  /** The Lambda client (the real SDK; an endpoint override points it at a local twin). */
  client: Pick<LambdaClient, 'send'>;
  /** The worker function's name or ARN. */
  functionName: string;
  /** Invocations running at once at most: the worker's reserved concurrency (default 10). */
  concurrency?: number;
  /** Tasks one invocation takes per claim (its claim's `max`; default 8). */
  perInvocation?: number;
  /**
   * How long an invoked worker keeps looking for new work once the queue is empty (its
   * claim's `idleMs`), and so how long an invocation counts as running after it was sent
   * (ms, default 500). An async invoke's end is not seen: after this the dispatcher sends
   * another if work is still outstanding and no call finished meanwhile, which is also how
   * a task whose worker died (its lease expired) finds a new one. An extra invocation
   * finds nothing to claim and costs one request.
   */
  activeMs?: number;
  /** Tags the invoked workers claim with. */
  tags?: readonly string[];
  /** First backoff after a throttle or a service error (ms, default 50); doubles, with jitter. */
  backoffMs?: number;
  /** Longest backoff (ms, default 5000). */
  maxBackoffMs?: number;
  /** Told when an invoke failed and when the next try is (default: nothing). */
  onError?: (error: unknown, retryInMs: number) => void;
  /** Random numbers in [0, 1) for the jitter (default Math.random). */
  random?: () => number;
}

/** What a dispatcher has done, for tests and metrics. */
export interface DispatchStats {
  /** Invokes the service accepted. */
  invoked: number;
  /** Invokes refused with `TooManyRequestsException`. */
  throttled: number;
  /** Invokes that failed otherwise (5xx, network). */
  failed: number;
}

/**
 * Fans queued work out to worker Lambdas with async invokes (`InvocationType: 'Event'`)
 * that carry a claim request, never the tasks: the workers claim by lease. It keeps about
 * one invocation per `perInvocation` outstanding tasks running, never more than
 * `concurrency`, and backs off with full jitter on `TooManyRequestsException` and 5xx
 * answers. It never reads the database, and does nothing while no work is outstanding.
 *
 * @example
 * ```ts
 * const dispatcher = new LambdaDispatcher({ client: new LambdaClient({}), functionName: 'noob-worker' });
 * dispatcher.demand(40); // 40 tasks wait: up to 5 invocations of 8
 * ```
 */
export class LambdaDispatcher {
  readonly #options: LambdaDispatcherOptions;
  readonly #concurrency: number;
  readonly #perInvocation: number;
  readonly #activeMs: number;
  /** When each invocation counted as running was sent. */
  #active: number[] = [];
  #outstanding = 0;
  #failures = 0;
  #backoffUntil = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #tickAt = Number.POSITIVE_INFINITY;
  #stopped = false;
  readonly #sending = new Set<Promise<void>>();
  readonly stats: DispatchStats = { invoked: 0, throttled: 0, failed: 0 };

  constructor(options: LambdaDispatcherOptions) {
    this.#options = options;
    this.#concurrency = Math.max(1, options.concurrency ?? 10);
    this.#perInvocation = Math.max(1, options.perInvocation ?? 8);
    this.#activeMs = options.activeMs ?? 500;
  }

  /** Say how many tasks are outstanding now (queued or running); invokes as needed. */
  demand(outstanding: number): void {
    // A call finished: the workers are alive, so the ones counted as running still are
    // (they drain the queue until it is empty). Without it, a long run would be sent a
    // fresh set of invocations every activeMs, piling up in Lambda's async queue.
    if (outstanding < this.#outstanding) this.#active = this.#active.map(() => Date.now());
    this.#outstanding = Math.max(0, outstanding);
    if (this.#outstanding > 0) this.#schedule(Date.now());
  }

  /** Invoke again after a {@link stop} (a runner initialised again). */
  start(): void {
    this.#stopped = false;
  }

  /** Stop invoking; waits for invokes already sent to be answered. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await Promise.allSettled([...this.#sending]);
  }

  /** Run a tick at `at` (or sooner, if one is due sooner already). */
  #schedule(at: number): void {
    if (this.#stopped || at >= this.#tickAt) return;
    clearTimeout(this.#timer);
    this.#tickAt = at;
    this.#timer = setTimeout(() => this.#tick(), Math.max(0, at - Date.now()));
  }

  #tick(): void {
    this.#tickAt = Number.POSITIVE_INFINITY;
    if (this.#stopped || this.#outstanding === 0) return;
    const now = Date.now();
    if (now < this.#backoffUntil) {
      this.#schedule(this.#backoffUntil);
      return;
    }
    this.#active = this.#active.filter((sentAt) => now - sentAt < this.#activeMs);
    const wanted = Math.min(this.#concurrency, Math.ceil(this.#outstanding / this.#perInvocation));
    for (let i = this.#active.length; i < wanted; i++) this.#invoke(now);
    // Look again when the oldest invocation stops counting, in case work is still left.
    const oldest = Math.min(...this.#active, now);
    this.#schedule(oldest + this.#activeMs);
  }

  #invoke(now: number): void {
    this.#active.push(now);
    const event: WorkerInvocation = {
      claim: {
        max: this.#perInvocation,
        idleMs: this.#activeMs,
        ...(this.#options.tags?.length ? { tags: [...this.#options.tags] } : {}),
      },
    };
    const sending = this.#options.client
      .send(
        new InvokeCommand({
          FunctionName: this.#options.functionName,
          InvocationType: 'Event',
          Payload: JSON.stringify(event),
        }),
      )
      .then(
        () => {
          this.stats.invoked++;
          this.#failures = 0;
        },
        (error: unknown) => this.#failed(now, error),
      )
      .finally(() => this.#sending.delete(sending));
    this.#sending.add(sending);
  }

  /** An invoke was refused: it does not count as running; back off before the next. */
  #failed(sentAt: number, error: unknown): void {
    const at = this.#active.indexOf(sentAt);
    if (at >= 0) this.#active.splice(at, 1);
    if (isThrottle(error)) this.stats.throttled++;
    else this.stats.failed++;
    this.#failures++;
    const base = this.#options.backoffMs ?? 50;
    const cap = Math.min(this.#options.maxBackoffMs ?? 5_000, base * 2 ** (this.#failures - 1));
    // Full jitter: dispatchers throttled together do not come back together.
    const waitMs = Math.round((this.#options.random ?? Math.random)() * cap);
    this.#backoffUntil = Math.max(this.#backoffUntil, Date.now() + waitMs);
    this.#options.onError?.(error, waitMs);
    this.#schedule(this.#backoffUntil);
  }
}

/** Whether the service refused for lack of capacity (matched by name, as the SDK sets it). */
function isThrottle(error: unknown): boolean {
  return (error as { name?: string } | undefined)?.name === 'TooManyRequestsException';
}
