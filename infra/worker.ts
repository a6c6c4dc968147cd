import { nodejs, runtimeFiles, workerAddon } from './files';
import type { QueueLink } from './queue';

/** Worker Lambdas at once: the reserved concurrency, and the dispatcher's limit. */
export const WORKER_CONCURRENCY = 50;

/**
 * The worker Lambda (`functions/worker/lambda.ts`): invoked asynchronously with a claim
 * request, it claims tasks from the queue and runs them. Lambda's own retries are off:
 * the dispatcher re-invokes, and leases hand tasks over. It carries the native addon
 * when its Lambda artifact is built (see {@link workerAddon}).
 */
export function workerFunction(queue: QueueLink) {
  const addon = workerAddon();
  return new sst.aws.Function('Worker', {
    handler: 'functions/worker/lambda.handler',
    runtime: 'nodejs22.x',
    architecture: 'x86_64',
    memory: '1024 MB',
    timeout: '15 minutes',
    concurrency: { reserved: WORKER_CONCURRENCY },
    retries: 0,
    link: queue.link,
    environment: { ...queue.environment, NOOB_RESERVE_MS: '5000', ...addon.environment },
    copyFiles: [...runtimeFiles, ...addon.files],
    nodejs,
  });
}
