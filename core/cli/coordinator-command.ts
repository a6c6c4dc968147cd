import { parseArgs } from 'node:util';
import { Coordinator } from '../../functions/serve/coordinator.ts';
import { DEFAULT_QUEUE_PATH, openQueue } from '../queue/open.ts';
import { brokenDatabase, reportBroken } from './broken-database.ts';
import type { CommandIO } from './commands.ts';
import { type CoordinatorRunner, coordinatorRunner } from './coordinator-runner.ts';
import { ALL_MODULES, modulePolicyArgument } from './serve-command.ts';
import { untilSignalled } from './until-signalled.ts';
import { UsageError } from './usage.ts';

/** How long a stop may take before the process exits anyway (ms). */
const STOP_GRACE_MS = 8_000;

/** The usage of `noob coordinator`. */
export const COORDINATOR_USAGE =
  'noob coordinator [--db URL] [--id NAME] [--concurrency 16] [--lease-ms 10000] [--max-losses 3] [--search-path DIR …] [--allow-modules [PKG,./DIR,…]] [--runner queued|lambda --function NAME [--lambda-concurrency N]] [--peers ADDR,…]';

/**
 * `noob coordinator`: drives submitted tube jobs from the queue (`--db`, default
 * `.noob/noob.db`, or a libsql:// / http:// server): each job's scheduler and stateful
 * nodes run here, its node calls go to the workers as tasks. Jobs are claimed by lease,
 * so any number of coordinators can share a queue and a dead one's jobs are taken over;
 * `noob serve` runs one and restarts it when it dies. `--search-path` and
 * `--allow-modules` must match the job API's, so both judge a tube alike. Runs until
 * SIGTERM or SIGINT (or, started by `noob serve`, until that process is gone), then gives
 * its jobs' leases back and exits 0. With `--runner lambda` (the ECS service on AWS) the
 * node calls are run by worker Lambdas it invokes (see {@link coordinatorRunner}).
 */
export async function coordinatorCommand(args: readonly string[], io: CommandIO): Promise<number> {
  const values = parseCoordinatorArguments(args);
  const database = brokenDatabase();
  const db =
    values.db ??
    (values.runner.runner === 'lambda' ? process.env.NOOB_QUEUE_URL : undefined) ??
    DEFAULT_QUEUE_PATH;
  const runs = await coordinatorRunner(values.runner, db, io.stderr);
  const queue = await openQueue(db, {
    onBroken: database.onBroken,
    ...(runs.authToken ? { authToken: runs.authToken } : {}),
  });
  await runs.register(queue);
  // Jobs asking for runner "p2p" go to the peer network joined here (libp2p loads only then).
  const network = values.peers.length
    ? await (await import('../../functions/serve/peer-network.ts')).PeerNetwork.join(values.peers)
    : undefined;
  const coordinator = new Coordinator({
    queue,
    searchPaths: values.searchPaths,
    modules: values.modules,
    concurrency: values.concurrency,
    leaseMs: values.leaseMs,
    maxLosses: values.maxLosses,
    ...(values.id ? { id: values.id } : {}),
    ...(runs.runner ? { runner: runs.runner } : {}),
    ...(network ? { network } : {}),
    recordOutcome: async (tenant, jobId, outcome) => {
      await queue.setJobOutcome(tenant, jobId, outcome);
    },
  });
  coordinator.start();
  const signalled = untilSignalled(); // before the line that tells a parent it may signal
  io.stdout.write(
    `noob coordinator ${coordinator.id} driving tube jobs from ${db}${runs.description}${network ? `; p2p jobs on the peer network as ${network.peerId} through ${values.peers.join(', ')}` : ''}\n`,
  );
  const broken = await Promise.race([signalled.then(() => undefined), database.broken]);
  // Bounded: a run that does not end when interrupted must not keep this process up
  // after its server is gone; its leases then expire and another coordinator takes over.
  const stopped = await Promise.race([
    coordinator.stop().then(() => true),
    new Promise<false>((resolve) => setTimeout(resolve, STOP_GRACE_MS, false).unref()),
  ]);
  if (!stopped) {
    io.stderr.write(
      `noob coordinator: its runs did not stop within ${STOP_GRACE_MS} ms; exiting without giving their leases back\n`,
    );
    // What still runs would keep the process up: exit now.
    process.exit(1);
  }
  await queue.close();
  await runs.close();
  await network?.close();
  // The IPC channel from `noob serve` would keep this process alive after its work is done.
  if (process.connected) process.disconnect();
  return broken ? reportBroken('coordinator', broken, io) : 0;
}

/** `noob coordinator`'s options, checked. */
function parseCoordinatorArguments(args: readonly string[]) {
  let values: Record<string, string | string[] | undefined>;
  try {
    ({ values } = parseArgs({
      // `--allow-modules` alone (last, or before another option) means all modules.
      args: args.map((arg, i) =>
        arg === '--allow-modules' && (i + 1 === args.length || args[i + 1]!.startsWith('-'))
          ? `--allow-modules=${ALL_MODULES}`
          : arg,
      ),
      options: {
        db: { type: 'string' },
        id: { type: 'string' },
        concurrency: { type: 'string', default: '16' },
        'lease-ms': { type: 'string', default: '10000' },
        'max-losses': { type: 'string', default: '3' },
        'search-path': { type: 'string', multiple: true },
        'allow-modules': { type: 'string' },
        runner: { type: 'string', default: 'queued' },
        function: { type: 'string' },
        'lambda-concurrency': { type: 'string' },
        peers: { type: 'string' },
      },
    }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message} (${COORDINATOR_USAGE})`);
  }
  const whole = (name: string, min: number): number => {
    const value = Number(values[name]);
    if (!Number.isInteger(value) || value < min)
      throw new UsageError(`--${name} takes a whole number ≥ ${min}, got "${values[name]}"`);
    return value;
  };
  const id = values.id as string | undefined;
  if (id !== undefined && !/^[A-Za-z0-9._:@-]{1,128}$/.test(id))
    throw new UsageError(`--id takes 1 to 128 letters, digits or . _ : @ -, got "${id}"`);
  return {
    db: values.db as string | undefined,
    id,
    concurrency: whole('concurrency', 1),
    leaseMs: whole('lease-ms', 100),
    maxLosses: whole('max-losses', 1),
    searchPaths: (values['search-path'] as string[] | undefined) ?? [],
    modules: modulePolicyArgument(values['allow-modules'] as string | undefined),
    peers: peerAddresses(values.peers as string | undefined),
    runner: {
      runner: values.runner as string,
      function: values.function as string | undefined,
      lambdaConcurrency: values['lambda-concurrency'] as string | undefined,
    } satisfies CoordinatorRunner,
  };
}

/**
 * `--peers ADDR,…` (default `NOOB_PEER_BOOTSTRAP`): the multiaddrs of `noob peer`
 * processes to join the network through, each ending in `/p2p/<peer id>`.
 */
export function peerAddresses(value: string | undefined): string[] {
  const addresses = (value ?? process.env.NOOB_PEER_BOOTSTRAP ?? '')
    .split(',')
    .map((address) => address.trim())
    .filter(Boolean);
  for (const address of addresses)
    if (!address.startsWith('/') || !address.includes('/p2p/'))
      throw new UsageError(
        `--peers takes multiaddrs of noob peers separated by commas (each as the peer prints it, ending in /p2p/<peer id>), got "${address}"`,
      );
  return addresses;
}
