import { QueueWorker } from '../../functions/worker/queue-worker.ts';
import { startWorkerServer } from '../../functions/worker/serve.ts';
import { openQueue } from '../queue/open.ts';
import type { CommandIO } from './commands.ts';
import { UsageError } from './usage.ts';

/** Options of `noob worker`. */
export interface WorkerArguments {
  http: boolean;
  /** The queue database (`--db`): a libSQL file path or a libsql:// / http:// URL. */
  db: string | undefined;
  port: string;
  host: string;
  tags: string;
  concurrency: string;
  /** Lease per claimed task in ms (queue workers). */
  leaseMs: string;
}

/**
 * `noob worker`: pulls node calls from the durable queue (`--db`, default `.noob/noob.db`),
 * or with `--http` serves them over HTTP (functions/worker). Runs until SIGTERM or SIGINT,
 * then stops taking calls, lets running ones finish and be reported, and exits 0.
 */
export async function workerCommand(args: WorkerArguments, io: CommandIO): Promise<number> {
  const capacity = Number(args.concurrency);
  if (!Number.isInteger(capacity) || capacity < 1) {
    throw new UsageError(`--concurrency takes a whole number ≥ 1, got "${args.concurrency}"`);
  }
  const tags = args.tags
    ? args.tags
        .split(',')
        .map((tag) => tag.trim())
        .filter(Boolean)
    : [];
  if (!args.http) {
    const leaseMs = Number(args.leaseMs);
    if (!Number.isInteger(leaseMs) || leaseMs < 100)
      throw new UsageError(`--lease-ms takes milliseconds ≥ 100, got "${args.leaseMs}"`);
    return queueWorker(args.db, { tags, concurrency: capacity, leaseMs }, io);
  }
  const port = Number(args.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port takes a port number, got "${args.port}"`);
  const server = await startWorkerServer({ port, hostname: args.host, capacity, tags });
  const signalled = untilSignalled(); // before the line that tells a parent it may signal
  io.stdout.write(`noob worker listening on ${server.url}\n`);
  await signalled;
  await server.close();
  return 0;
}

async function queueWorker(
  db: string | undefined,
  options: { tags: string[]; concurrency: number; leaseMs: number },
  io: CommandIO,
): Promise<number> {
  const queue = await openQueue(db);
  const worker = new QueueWorker({ queue, ...options });
  await worker.start();
  const signalled = untilSignalled(); // before the line that tells a parent it may signal
  io.stdout.write(`noob worker ${worker.workerId} pulling from ${db ?? '.noob/noob.db'}\n`);
  await signalled;
  await worker.stop();
  await queue.close();
  // The IPC channel from `noob serve` would keep this process alive after its work is done.
  if (process.connected) process.disconnect();
  return 0;
}

/**
 * Resolves on the first SIGTERM or SIGINT, or, for a worker started by `noob serve`, when
 * its parent goes away (even killed with SIGKILL): no worker outlives its server. Call it
 * before announcing readiness: until a listener is on, a signal ends the process at once.
 */
function untilSignalled(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGTERM', () => resolve());
    process.once('SIGINT', () => resolve());
    if (process.connected) process.once('disconnect', () => resolve());
  });
}
