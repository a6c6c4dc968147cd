import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { createApiApp } from '../../functions/api/app.ts';
import { startPlatform } from '../../functions/serve/platform.ts';
import type { CommandIO } from './commands.ts';
import { UsageError } from './usage.ts';

/** Options of `noob serve`. */
export interface ServeArguments {
  port: string;
  host: string;
  db: string | undefined;
  workers: string | undefined;
}

const ROOT = join(import.meta.dirname, '..', '..');

/**
 * `noob serve` (what `npm start` runs): the job API on 127.0.0.1:8787, worker processes
 * on the local cores, the coordinator, all on the embedded libSQL file. Prints the URL,
 * a first API key for tenant `local`, and a curl example; stops cleanly on SIGTERM/SIGINT.
 */
export async function serveCommand(args: ServeArguments, io: CommandIO): Promise<number> {
  const port = Number(args.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port takes a port number, got "${args.port}"`);
  const workers = args.workers === undefined ? undefined : Number(args.workers);
  if (workers !== undefined && (!Number.isInteger(workers) || workers < 1)) {
    throw new UsageError(`--workers takes a whole number ≥ 1, got "${args.workers}"`);
  }
  // Tubes that can be submitted by noob_id: the examples, the conformance tubes when they
  // sit beside the project, and NOOB_TUBE_PATH.
  const tubePaths = [
    join(ROOT, 'examples'),
    join(ROOT, '..', 'shared', 'conformance', 'upstream'),
  ].filter((path) => existsSync(path));
  const abort = new AbortController();
  const platform = await startPlatform({
    ...(args.db ? { db: args.db } : {}),
    ...(workers ? { workers } : {}),
    tubePaths,
    startApi: async ({ queue, keys }) => {
      const app = createApiApp({
        queue,
        keys,
        tubePaths,
        directory: process.cwd(),
        signal: abort.signal,
      });
      return new Promise((resolve) => {
        const server = serve(
          { fetch: app.fetch, port, hostname: args.host },
          (info: AddressInfo) => {
            resolve({
              url: `http://${args.host}:${info.port}`,
              close: () => {
                abort.abort();
                return new Promise<void>((done) => server.close(() => done()));
              },
            });
          },
        );
      });
    },
  });
  const { key } = await platform.keys.create('local');
  io.stdout.write(
    [
      `noob is serving on ${platform.url} (database ${args.db ?? '.noob/noob.db'}, ${platform.workers.pids.length} workers)`,
      `API key for tenant "local": ${key}`,
      '',
      'Run the basic tube for 5 epochs, then read its results:',
      `  curl -s -X POST ${platform.url}/v1/jobs -H "Authorization: Bearer ${key}" -H "content-type: application/json" -d '{"tube": "testing-basic", "epochs": 5}'`,
      `  curl -s ${platform.url}/v1/jobs/JOB_ID -H "Authorization: Bearer ${key}"`,
      '',
    ].join('\n'),
  );
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', () => resolve());
    process.once('SIGINT', () => resolve());
  });
  await platform.stop();
  return 0;
}
