import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { startApiServer } from '../../functions/api/serve.ts';
import { LOCAL_TENANT } from '../../functions/serve/local-key.ts';
import { type Platform, startPlatform } from '../../functions/serve/platform.ts';
import type { ModulePolicy } from '../node/module-policy.ts';
import { PACKAGE_ROOT as ROOT } from '../package-layout.ts';
import { brokenDatabase, reportBroken } from './broken-database.ts';
import type { CommandIO } from './commands.ts';
import { peerAddresses } from './coordinator-command.ts';
import { UsageError } from './usage.ts';

/** Options of `noob serve`. */
export interface ServeArguments {
  port: string;
  host: string;
  db: string | undefined;
  workers: string | undefined;
  /** `--allow-modules`: {@link ALL_MODULES} for all, or a comma-separated allow-list. */
  'allow-modules': string | undefined;
  /** `--peers ADDR,…`: the peer network p2p jobs run on (default NOOB_PEER_BOOTSTRAP). */
  peers?: string | undefined;
}

/** What `--allow-modules` given without a list stands for (see main.ts). */
export const ALL_MODULES = '*';

/**
 * The module policy for submitted tubes from `--allow-modules`: none when absent, all for
 * {@link ALL_MODULES}, else the listed packages and folders (folders written `./dir` or
 * `/dir`, made absolute here so that messages name them plainly).
 */
export function modulePolicyArgument(value: string | undefined): ModulePolicy {
  if (value === undefined) return 'deny';
  if (value === ALL_MODULES) return 'allow';
  const entries = value.split(',').map((entry) => entry.trim());
  if (entries.some((entry) => entry === '')) {
    throw new UsageError(
      `--allow-modules takes nothing (all modules) or packages and folders separated by commas, got "${value}"`,
    );
  }
  return {
    allow: entries.map((entry) =>
      entry.startsWith('.') || isAbsolute(entry) ? resolve(entry) : entry,
    ),
  };
}

/**
 * `noob serve` (what `npm start` runs): the job API on 127.0.0.1:8787, worker processes
 * on the local cores, the coordinator process, all on the embedded libSQL file (see
 * `startPlatform`). Prints the URL, the processes, the API key for tenant `local` (the
 * same at every start), and a curl example; stops cleanly on SIGTERM/SIGINT. Exits 1
 * when it cannot start (a damaged database, a port in use).
 */
export async function serveCommand(args: ServeArguments, io: CommandIO): Promise<number> {
  const port = Number(args.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port takes a port number, got "${args.port}"`);
  const workers = args.workers === undefined ? undefined : Number(args.workers);
  if (workers !== undefined && (!Number.isInteger(workers) || workers < 1)) {
    throw new UsageError(`--workers takes a whole number ≥ 1, got "${args.workers}"`);
  }
  // Tubes that can be submitted by noob_id: the examples, and the folders NOOB_TUBE_PATH
  // lists (separated by `:`, as `noob run` reads it).
  const tubePaths = [
    join(ROOT, 'examples'),
    ...(process.env.NOOB_TUBE_PATH ?? '').split(':').filter(Boolean),
  ].filter((path) => existsSync(path));
  const modules = modulePolicyArgument(args['allow-modules']);
  const peers = peerAddresses(args.peers);
  const database = brokenDatabase();
  let platform: Platform;
  try {
    platform = await startPlatform({
      onBroken: database.onBroken,
      ...(args.db ? { db: args.db } : {}),
      ...(workers ? { workers } : {}),
      tubePaths,
      modules,
      peers,
      // startApiServer ends open event streams when it closes, so a stop does not wait on
      // clients that keep watching a job. The `local` key is the operator's: it sees the
      // whole platform in the dashboard and /metrics, other tenants' keys their own part.
      startApi: (deps) =>
        startApiServer({
          ...deps,
          operators: [LOCAL_TENANT],
          directory: process.cwd(),
          port,
          hostname: args.host,
        }),
    });
  } catch (error) {
    // A damaged database, a port in use, a part that cannot start: nothing is served.
    io.stderr.write(
      `noob serve: could not start on ${args.db ?? '.noob/noob.db'}: ${(error as Error)?.message ?? error}\n`,
    );
    return 1;
  }
  const { key, created } = platform.localKey;
  // Listening before the banner: a signal sent once it is read must stop, not kill, serve.
  const signalled = new Promise<void>((resolve) => {
    process.once('SIGTERM', () => resolve());
    process.once('SIGINT', () => resolve());
  });
  io.stdout.write(
    [
      `noob is serving on ${platform.url} (database ${args.db ?? '.noob/noob.db'}, ${platform.workers.pids.length} workers)`,
      `Processes: API ${process.pid}, coordinator ${platform.coordinator.pid}, workers ${platform.workers.pids.join(' ')} (a coordinator or worker that dies is restarted)`,
      describeModulePolicy(modules),
      ...(peers.length
        ? [`Jobs with "runner": "p2p" run on the peer network joined through ${peers.join(', ')}.`]
        : []),
      `API key for tenant "local": ${key}${created ? ' (new)' : ' (kept from an earlier start)'}`,
      `Dashboard: open ${platform.url}/ in a browser and give it the key.`,
      '',
      'Run the basic tube for 5 epochs, then read its results:',
      `  curl -s -X POST ${platform.url}/v1/jobs -H "Authorization: Bearer ${key}" -H "content-type: application/json" -d '{"tube": "testing-basic", "epochs": 5}'`,
      `  curl -s ${platform.url}/v1/jobs/JOB_ID -H "Authorization: Bearer ${key}"`,
      '',
    ].join('\n'),
  );
  const broken = await Promise.race([signalled.then(() => undefined), database.broken]);
  await platform.stop();
  return broken ? reportBroken('serve', broken, io) : 0;
}

function describeModulePolicy(modules: ModulePolicy): string {
  if (modules === 'allow') return 'Submitted tubes may load any module type (--allow-modules).';
  if (modules === 'deny')
    return 'Submitted tubes may not load module types (./x.ts#f, pkg#f); --allow-modules [PKG,./DIR,…] enables them.';
  return `Submitted tubes may load module types from: ${modules.allow.join(', ')}.`;
}
