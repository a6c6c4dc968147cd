import { NoobError } from '../../errors.ts';
import type { NodeContext } from '../../node/define.ts';
import type { RemoteExecutor } from '../engine-runner.ts';
import type { ExecutionPlan, PlanNode } from '../plan.ts';
import { QueueExecutor, type QueueExecutorOptions } from '../queued/executor.ts';
import type { Dispatch } from './shared-dispatcher.ts';

/** Longest the runner rides out a queue outage before the call fails (ms). */
const OUTAGE_MS = 30_000;

/**
 * The queued runner's executor (node calls become tasks on the queue, outcomes are read
 * back from it), telling a {@link LambdaDispatcher} how many calls are outstanding so
 * that worker Lambdas are invoked for them. A call whose queue operation failed (the
 * database restarting, a connection dropped) is tried again for up to 30 s: the task is
 * named by its CID, so trying again neither adds it twice nor loses a result.
 */
export class LambdaExecutor implements RemoteExecutor {
  readonly #queued: QueueExecutor;
  readonly #dispatcher: Dispatch;
  #outstanding = 0;

  constructor(options: QueueExecutorOptions, dispatcher: Dispatch) {
    this.#queued = new QueueExecutor(options);
    this.#dispatcher = dispatcher;
  }

  /** The queue job the calls are tasks of (set by `init`). */
  get jobId(): string | undefined {
    return this.#queued.jobId;
  }

  handles(node: PlanNode): boolean {
    return this.#queued.handles(node);
  }

  init(plan: ExecutionPlan): Promise<void> {
    this.#dispatcher.start();
    return this.#queued.init(plan);
  }

  async execute(node: PlanNode, inputs: Record<string, unknown>, context: NodeContext) {
    // Counted before the task is stored: an invocation that arrives first finds nothing
    // and the next look (see LambdaDispatcher's activeMs) sends another.
    this.#dispatcher.demand(++this.#outstanding);
    try {
      const until = Date.now() + OUTAGE_MS;
      for (let attempt = 0; ; attempt++) {
        try {
          return await this.#queued.execute(node, inputs, context);
        } catch (error) {
          // A node's error, a cancellation or a bad input is noob's; anything else is the database's.
          if (error instanceof NoobError || Date.now() > until || context.signal.aborted)
            throw error;
          await pause(Math.min(2_000, 50 * 2 ** attempt), context.signal);
        }
      }
    } finally {
      this.#dispatcher.demand(--this.#outstanding);
    }
  }

  async close(): Promise<void> {
    await this.#dispatcher.stop();
    await this.#queued.close();
  }
}

/** Wait `ms`, or less if `signal` aborts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((done) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        done();
      },
      { once: true },
    );
  });
}
