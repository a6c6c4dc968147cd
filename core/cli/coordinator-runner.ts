import type { Queue } from '../queue/queue.ts';
import { LambdaRunner } from '../runners/lambda/runner.ts';
import { SharedDispatcher } from '../runners/lambda/shared-dispatcher.ts';
import { registerWorkerFunction } from '../runners/lambda/worker-function.ts';
import type { QueuedRunnerOptions } from '../runners/queued/runner.ts';
import type { Runner } from '../runners/runner.ts';
import type { Tube } from '../tube/tube.ts';
import {
  dispatcherOptions,
  type LambdaChoice,
  lambdaSettings,
  workerFunctionClient,
} from './lambda-runner-choice.ts';
import { UsageError } from './usage.ts';

/** `noob coordinator --runner …`: where its runs' node calls go. */
export interface CoordinatorRunner extends Omit<LambdaChoice, 'db'> {
  /** `queued` (default: `noob worker` processes pull them) or `lambda` (worker Lambdas). */
  runner: string;
}

/** How a coordinator's runs are made, and what that needs of the queue and at the end. */
export interface CoordinatorRuns {
  /** Makes each run's runner; absent for the queued runner (the coordinator's default). */
  runner?: (tube: Tube, options: QueuedRunnerOptions) => Runner;
  /** The remote queue's token (`NOOB_QUEUE_TOKEN`). */
  authToken: string | undefined;
  /** Said after "driving tube jobs from DB". */
  description: string;
  /** Done once the queue is open, before the first run is admitted. */
  register(queue: Queue): Promise<void>;
  close(): Promise<void>;
}

/**
 * The runs of `noob coordinator --runner lambda` (the ECS service on AWS): each run is a
 * lambda runner invoking the worker function, checked with a `DryRun` invoke before
 * anything starts. The function is registered as a standing worker in the queue, since
 * worker Lambdas exist only while invoked and admission waits for a worker that can run
 * a job's tasks. All runs share one dispatcher, so together they keep to the limit.
 */
export async function coordinatorRunner(
  choice: CoordinatorRunner,
  db: string,
  stderr: NodeJS.WritableStream,
): Promise<CoordinatorRuns> {
  const authToken = process.env.NOOB_QUEUE_TOKEN;
  if (choice.runner === 'queued') {
    if (choice.function !== undefined || choice.lambdaConcurrency !== undefined)
      throw new UsageError('--function and --lambda-concurrency are for --runner lambda');
    return { authToken, description: '', register: async () => {}, close: async () => {} };
  }
  if (choice.runner !== 'lambda')
    throw new UsageError(
      `--runner takes queued or lambda for noob coordinator, got "${choice.runner}"`,
    );
  const settings = lambdaSettings({ ...choice, db });
  const client = await workerFunctionClient(settings.functionName);
  const shared = new SharedDispatcher(dispatcherOptions(client, settings, stderr));
  return {
    runner: (tube, options) => new LambdaRunner(tube, { ...options, dispatch: shared.forRun() }),
    authToken,
    description: ` with worker Lambdas of ${settings.functionName} (at most ${settings.concurrency} invocations at once)`,
    register: (queue) => registerWorkerFunction(queue, settings.functionName),
    close: async () => {
      await shared.stop();
      client.destroy();
    },
  };
}
