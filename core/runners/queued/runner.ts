import type { Tube } from '../../tube/tube.ts';
import { EngineRunner } from '../engine-runner.ts';
import { QueueExecutor, type QueueExecutorOptions } from './executor.ts';

/** How the queued runner uses the queue. */
export interface QueuedRunnerOptions extends QueueExecutorOptions {
  /** Calls in flight at once within an epoch (default 32). */
  maxInFlight?: number;
}

/**
 * The queued runner: stateless node calls become tasks on the durable libSQL queue and
 * run on whichever `noob worker` pulls them (with priorities, affinity tags, leases and
 * retries); the scheduler and stateful nodes stay here. Results match the sync runner's.
 *
 * @example
 * ```ts
 * const queue = await openQueue('.noob/noob.db');
 * const runner = new QueuedRunner(tube, { queue });
 * await runner.run(10); // with `noob worker --db .noob/noob.db` running somewhere
 * ```
 */
export class QueuedRunner extends EngineRunner {
  readonly #executor: QueueExecutor;

  constructor(tube: Tube, options: QueuedRunnerOptions) {
    const executor = new QueueExecutor(options);
    super(tube, { executor, maxInFlight: options.maxInFlight ?? 32 });
    this.#executor = executor;
  }

  /** The queue job this run's calls belong to (after `init`). */
  get jobId(): string | undefined {
    return this.#executor.jobId;
  }
}
