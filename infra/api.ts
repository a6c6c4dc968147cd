import { nodejs, runtimeFiles } from './files';
import type { QueueLink } from './queue';

/**
 * The job API Lambda (`functions/api/lambda.ts`) on a Function URL with response
 * streaming, so Server-Sent Events stream through; the app checks API keys itself.
 */
export function apiFunction(queue: QueueLink) {
  return new sst.aws.Function('Api', {
    handler: 'functions/api/lambda.handler',
    runtime: 'nodejs22.x',
    memory: '512 MB',
    timeout: '15 minutes',
    url: true,
    streaming: true,
    link: queue.link,
    environment: queue.environment,
    copyFiles: runtimeFiles,
    nodejs,
  });
}
