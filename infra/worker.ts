import { nodejs, runtimeFiles } from './files';
import type { QueueLink } from './queue';

/** Worker Lambdas at once: the reserved concurrency, and the dispatcher's limit. */
export const WORKER_CONCURRENCY = 50;

/**
 * The worker Lambda (`functions/worker/lambda.ts`): invoked asynchronously with a claim
 * request, it claims tasks from the queue and runs them. Lambda's own retries are off:
 * the dispatcher re-invokes, and leases hand tasks over.
 */
export function workerFunction(queue: QueueLink) {
  return new sst.aws.Function('Worker', {
    handler: 'functions/worker/lambda.handler',
    runtime: 'nodejs22.x',
    architecture: 'x86_64',
    memory: '1024 MB',
    timeout: '15 minutes',
    concurrency: { reserved: WORKER_CONCURRENCY },
    retries: 0,
    link: queue.link,
    environment: { ...queue.environment, NOOB_RESERVE_MS: '5000' },
    copyFiles: runtimeFiles,
    nodejs,
  });
}
