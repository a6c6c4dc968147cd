/**
 * A queue worker in its own process, for queue-worker.test.ts: `node queue-worker.fixture.ts
 * DB`. It runs `test.echo` calls, never polls (its safety-net look is an hour away), and
 * prints `idle` once it has looked at the queue and gone to sleep.
 */
import { defineNode } from '../../core/node/define.ts';
import { createRegistry } from '../../core/node/registry.ts';
import { openQueue } from '../../core/queue/open.ts';
import { TaskExecutor } from './executor.ts';
import { QueueWorker } from './queue-worker.ts';

const registry = createRegistry();
registry.register('test.echo', defineNode({ slots: { value: {} }, process: ({ value }) => value }));
const queue = await openQueue(process.argv[2]!);
const worker = new QueueWorker({
  queue,
  concurrency: 1,
  rescanMs: 3_600_000,
  executor: new TaskExecutor({ registry }),
});
await worker.start();
// The first claim finds nothing; after it the worker sleeps until a commit.
setTimeout(() => process.stdout.write('idle\n'), 50);
process.on('SIGTERM', async () => {
  await worker.stop();
  await queue.close();
  process.exit(0);
});
