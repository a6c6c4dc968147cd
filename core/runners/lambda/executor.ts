import type { NodeContext } from '../../node/define.ts';
import type { RemoteExecutor } from '../engine-runner.ts';
import type { ExecutionPlan, PlanNode } from '../plan.ts';
import { QueueExecutor, type QueueExecutorOptions } from '../queued/executor.ts';
import type { LambdaDispatcher } from './dispatcher.ts';

/**
 * The queued runner's executor (node calls become tasks on the queue, outcomes are read
 * back from it), telling a {@link LambdaDispatcher} how many calls are outstanding so
 * that worker Lambdas are invoked for them.
 */
export class LambdaExecutor implements RemoteExecutor {
  readonly #queued: QueueExecutor;
  readonly #dispatcher: LambdaDispatcher;
  #outstanding = 0;

  constructor(options: QueueExecutorOptions, dispatcher: LambdaDispatcher) {
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
      return await this.#queued.execute(node, inputs, context);
    } finally {
      this.#dispatcher.demand(--this.#outstanding);
    }
  }

  async close(): Promise<void> {
    await this.#dispatcher.stop();
    await this.#queued.close();
  }
}
