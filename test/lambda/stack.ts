import { join } from 'node:path';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { openQueue } from '../../core/queue/open.ts';
import type { Queue } from '../../core/queue/queue.ts';
import { LambdaRunner } from '../../core/runners/lambda/runner.ts';
import { Coordinator } from '../../functions/serve/coordinator.ts';
import { twinClient } from '../lambda-twin/sdk.ts';
import { LambdaTwin, type TwinFunction, type TwinOptions } from '../lambda-twin/twin.ts';
import { type Sqld, startSqld } from '../queue/sqld.ts';

/** The worker Lambda's handler file. */
export const WORKER_HANDLER = join(
  import.meta.dirname,
  '..',
  '..',
  'functions',
  'worker',
  'lambda.ts',
);

/** What the serverless tests run on: a real sqld, the twin with the worker function, the SDK. */
export interface LambdaStack {
  sqld: Sqld;
  /** A queue client of the test's own on the sqld. */
  queue: Queue;
  twin: LambdaTwin;
  client: LambdaClient;
  stop(): Promise<void>;
}

/** How {@link startLambdaStack} deploys the worker (and any other function). */
export interface LambdaStackOptions {
  /** Extra environment of the worker function. */
  workerEnv?: Record<string, string>;
  /** The worker's reserved concurrency (default 4). */
  concurrency?: number;
  /** The worker's timeout: one invocation's time budget (ms, default the twin's 30 s). */
  workerTimeoutMs?: number;
  /** More functions, given the sqld's URL. */
  functions?: (queueUrl: string) => TwinFunction[];
  twin?: TwinOptions;
}

/** Start sqld, then the twin with the worker function `worker` claiming from it. */
export async function startLambdaStack(options: LambdaStackOptions = {}): Promise<LambdaStack> {
  const sqld = await startSqld();
  const queue = await openQueue(sqld.url);
  const twin = await LambdaTwin.start(
    [
      {
        name: 'worker',
        file: WORKER_HANDLER,
        env: { NOOB_QUEUE_URL: sqld.url, ...options.workerEnv },
        reservedConcurrency: options.concurrency ?? 4,
        ...(options.workerTimeoutMs ? { timeoutMs: options.workerTimeoutMs } : {}),
      },
      ...(options.functions?.(sqld.url) ?? []),
    ],
    options.twin,
  );
  const client = twinClient(twin.endpoint);
  return {
    sqld,
    queue,
    twin,
    client,
    async stop() {
      client.destroy();
      await twin.stop();
      await queue.close();
      await sqld.stop();
    },
  };
}

/**
 * A started coordinator (the ECS service's code, in the test process) that runs tube jobs
 * on the stack's queue with the lambda runner, invoking the stack's `worker` function.
 */
export function startLambdaCoordinator(stack: LambdaStack, concurrency: number): Coordinator {
  const { queue, client } = stack;
  const coordinator = new Coordinator({
    queue,
    recordOutcome: async (tenant, jobId, outcome) => {
      await queue.setJobOutcome(tenant, jobId, outcome);
    },
    onError: () => {},
    runner: (tube, options) =>
      new LambdaRunner(tube, {
        ...options,
        lambda: { client, functionName: 'worker', concurrency, activeMs: 300, backoffMs: 20 },
      }),
  });
  coordinator.start();
  return coordinator;
}
