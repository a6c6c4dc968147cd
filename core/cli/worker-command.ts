import { startWorkerServer } from '../../functions/worker/serve.ts';
import type { CommandIO } from './commands.ts';
import { UsageError } from './usage.ts';

/** Options of `noob worker --http`. */
export interface WorkerArguments {
  http: boolean;
  port: string;
  host: string;
  tags: string;
  concurrency: string;
}

/**
 * `noob worker --http`: serves the HTTP worker (functions/worker) until SIGTERM or SIGINT,
 * then stops taking calls, lets in-flight ones finish and exits 0. Prints its URL first.
 */
export async function workerCommand(args: WorkerArguments, io: CommandIO): Promise<number> {
  if (!args.http) {
    throw new UsageError(
      'noob worker needs --http for now (the queue worker comes with the job platform)',
    );
  }
  const port = Number(args.port);
  const capacity = Number(args.concurrency);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port takes a port number, got "${args.port}"`);
  if (!Number.isInteger(capacity) || capacity < 1)
    throw new UsageError(`--concurrency takes a whole number ≥ 1, got "${args.concurrency}"`);
  const tags = args.tags
    ? args.tags
        .split(',')
        .map((tag) => tag.trim())
        .filter(Boolean)
    : [];
  const server = await startWorkerServer({ port, hostname: args.host, capacity, tags });
  io.stdout.write(`noob worker listening on ${server.url}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  await server.close();
  return 0;
}
