import { afterAll, beforeAll } from 'vitest';
import { LambdaRunner } from '../../core/runners/lambda/runner.ts';
import { type LambdaStack, startLambdaStack } from '../lambda/stack.ts';
import { describeConformance } from './suite.ts';

/**
 * The whole conformance suite on the lambda runner: tasks on a real sqld, worker Lambdas
 * (the real handler file under the local Lambda twin, up to 4 at once) invoked through
 * the real AWS SDK.
 */
let stack: LambdaStack;
beforeAll(async () => {
  // The suite's own tubes name modules by path (`./nodes.ts#…`).
  stack = await startLambdaStack({ workerEnv: { NOOB_ALLOW_MODULES: '*' } });
});
afterAll(async () => {
  await stack?.stop();
});

describeConformance(
  'lambda (sqld, worker Lambdas on the local twin)',
  (tube) =>
    new LambdaRunner(tube, {
      queue: stack.queue,
      lambda: { client: stack.client, functionName: 'worker', concurrency: 4, activeMs: 300 },
    }),
  { nodesInProcess: false },
);
