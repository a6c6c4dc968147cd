import type { Tube } from '../../tube/tube.ts';
import { EngineRunner } from '../engine-runner.ts';
import type { QueuedRunnerOptions } from '../queued/runner.ts';
import { LambdaDispatcher, type LambdaDispatcherOptions } from './dispatcher.ts';
import { LambdaExecutor } from './executor.ts';
import type { Dispatch, SharedDispatcher } from './shared-dispatcher.ts';

/**
 * How the lambda runner uses the queue and the worker function: `lambda`, how its own
 * dispatcher invokes worker Lambdas (the function, the client, the concurrency limit),
 * or `dispatch`, a share of a dispatcher several runs use ({@link SharedDispatcher}).
 */
export type LambdaRunnerOptions = QueuedRunnerOptions &
  ({ lambda: LambdaDispatcherOptions } | { dispatch: Dispatch });

/**
 * The lambda runner: as the queued runner, stateless node calls become tasks on the
 * durable queue (a libSQL server the Lambdas reach), and a {@link LambdaDispatcher}
 * invokes worker Lambdas (`functions/worker/lambda.ts`) asynchronously to claim and run
 * them, in proportion to the work outstanding and within the function's concurrency. A
 * worker that dies loses its leases; the tasks go back to the queue and a later
 * invocation runs them, and a result is accepted once. Results match the sync runner's.
 *
 * @example
 * ```ts
 * const queue = await openQueue('libsql://noob-acme.turso.io', { authToken });
 * const runner = new LambdaRunner(tube, {
 *   queue,
 *   lambda: { client: new LambdaClient({}), functionName: 'noob-worker', concurrency: 50 },
 * });
 * await runner.run(10);
 * ```
 */
export class LambdaRunner extends EngineRunner {
  readonly #executor: LambdaExecutor;

  constructor(tube: Tube, options: LambdaRunnerOptions) {
    const dispatch =
      'dispatch' in options ? options.dispatch : new LambdaDispatcher(options.lambda);
    const executor = new LambdaExecutor(options, dispatch);
    super(tube, { executor, maxInFlight: options.maxInFlight ?? 32 });
    this.#executor = executor;
  }

  /** The queue job this run's calls belong to (after `init`). */
  get jobId(): string | undefined {
    return this.#executor.jobId;
  }
}
