import type { Queue } from '../../queue/queue.ts';

/**
 * Make a worker function known to the queue's coordinators as a worker offering `tags`.
 * Worker Lambdas exist only while invoked, and a coordinator admits a tube job only when
 * some known worker can run its tasks: without this standing entry, the first job would
 * wait for a worker that only its own run would invoke. A deployment calls it when its
 * coordinator starts (each environment of the function also registers itself as it runs).
 */
export function registerWorkerFunction(
  queue: Queue,
  functionName: string,
  tags: readonly string[] = [],
): Promise<void> {
  return queue.registerWorker(`lambda-function:${functionName}`, tags);
}
