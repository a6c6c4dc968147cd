/**
 * A BullMQ worker in its own process for the cross-process latency of the queue
 * benchmark: `node bullmq-worker.ts PORT QUEUE [CONCURRENCY]` (default 1; bench lambda's
 * remote-queue row runs several at 16). Each job returns when it started; prints `ready`
 * once the worker listens.
 */
import { Worker } from 'bullmq';
import { wallNow } from './stats.ts';

const [port, name, concurrency = '1'] = process.argv.slice(2);
const worker = new Worker(name!, async () => wallNow(), {
  connection: { host: '127.0.0.1', port: Number(port), maxRetriesPerRequest: null },
  concurrency: Number(concurrency),
});
await worker.waitUntilReady();
process.stdout.write('ready\n');
process.on('SIGTERM', async () => {
  await worker.close();
  process.exit(0);
});
