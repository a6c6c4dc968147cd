import { TaskExecutor } from '../../functions/worker/executor.ts';
import { newWorkerToken, WORKER_TOKEN_ENV } from '../../functions/worker/guard.ts';
import { QueueWorker } from '../../functions/worker/queue-worker.ts';
import { startWorkerServer } from '../../functions/worker/serve.ts';
import type { ModulePolicy } from '../node/module-policy.ts';
import { openQueue } from '../queue/open.ts';
import { forgetWorker } from '../queue/worker-presence.ts';
import { brokenDatabase, reportBroken } from './broken-database.ts';
import type { CommandIO } from './commands.ts';
import { modulePolicyArgument } from './serve-command.ts';
import { untilSignalled } from './until-signalled.ts';
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
  /** `--allow-modules`: all (`*`, what a bare flag becomes) or a comma-separated allow-list. */
  'allow-modules': string | undefined;
  /** `--no-modules`: tasks may name no module type. */
  'no-modules': boolean;
  /** `--token`: the shared secret HTTP requests must carry (else `NOOB_WORKER_TOKEN`, else a new one). */
  token?: string | undefined;
}

/**
 * The module types a worker's tasks may load. `--allow-modules LIST` allows those,
 * `--allow-modules` alone all, `--no-modules` none. Without either, an HTTP worker loads
 * none (anything that reaches its port could name a module), while a queue worker loads
 * any: whoever can write to its database is the developer whose own tubes
 * (`noob run --runner queued`) send their module types as absolute paths.
 */
export function workerModulePolicy(args: WorkerArguments): ModulePolicy {
  const listed = args['allow-modules'];
  if (args['no-modules']) {
    if (listed !== undefined)
      throw new UsageError('--no-modules and --allow-modules contradict each other: give one');
    return 'deny';
  }
  if (listed !== undefined) return modulePolicyArgument(listed);
  return args.http ? 'deny' : 'allow';
}

/**
 * The token of an HTTP worker: `--token`, else `NOOB_WORKER_TOKEN`, else a fresh random
 * one (printed, so the developer can hand it to `noob run --runner http`).
 */
function workerToken(args: WorkerArguments): { token: string; generated: boolean } {
  const given = args.token ?? process.env[WORKER_TOKEN_ENV];
  if (given !== undefined) {
    if (given.length < 16)
      throw new UsageError(
        `the worker token (--token or ${WORKER_TOKEN_ENV}) must have at least 16 characters, got ${given.length}`,
      );
    return { token: given, generated: false };
  }
  return { token: newWorkerToken(), generated: true };
}

/**
 * `noob worker`: pulls node calls from the durable queue (`--db`, default `.noob/noob.db`),
 * or with `--http` serves them over HTTP (functions/worker), loading the module types
 * {@link workerModulePolicy} allows. Runs until SIGTERM or SIGINT, then stops taking
 * calls, lets running ones finish and be reported, and exits 0.
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
  const modules = workerModulePolicy(args);
  if (!args.http) {
    const leaseMs = Number(args.leaseMs);
    if (!Number.isInteger(leaseMs) || leaseMs < 100)
      throw new UsageError(`--lease-ms takes milliseconds ≥ 100, got "${args.leaseMs}"`);
    return queueWorker(args.db, { tags, concurrency: capacity, leaseMs, modules }, io);
  }
  const port = Number(args.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port takes a port number, got "${args.port}"`);
  const { token, generated } = workerToken(args);
  const server = await startWorkerServer({
    port,
    hostname: args.host,
    capacity,
    tags,
    token,
    executor: new TaskExecutor({ modules }),
  });
  const signalled = untilSignalled(); // before the line that tells a parent it may signal
  const tokenLine = generated
    ? `Token (requests need Authorization: Bearer TOKEN; noob run --runner http reads ${WORKER_TOKEN_ENV}): ${token}`
    : `Token: as given (--token or ${WORKER_TOKEN_ENV}).`;
  io.stdout.write(
    `noob worker listening on ${server.url}\n${tokenLine}\n${describeModules(modules, true)}\n`,
  );
  await signalled;
  await server.close();
  return 0;
}

async function queueWorker(
  db: string | undefined,
  options: { tags: string[]; concurrency: number; leaseMs: number; modules: ModulePolicy },
  io: CommandIO,
): Promise<number> {
  const database = brokenDatabase();
  const queue = await openQueue(db, { onBroken: database.onBroken });
  const { modules, ...rest } = options;
  // A process of its own: a node call that blocks the event loop past the task timeout
  // ends the process (its tasks are retried elsewhere), see StallWatchdog.
  const executor = new TaskExecutor({ modules });
  const worker = new QueueWorker({ queue, ...rest, executor, watchdog: true });
  await worker.start();
  const signalled = untilSignalled(); // before the line that tells a parent it may signal
  io.stdout.write(
    `noob worker ${worker.workerId} pulling from ${db ?? '.noob/noob.db'}\n${describeModules(modules, false)}\n`,
  );
  const broken = await Promise.race([signalled.then(() => undefined), database.broken]);
  await worker.stop();
  // Gone on purpose (its server stopped or was killed): leave the worker list at once.
  await forgetWorker(queue.driver, worker.workerId).catch(() => {});
  await queue.close();
  // The IPC channel from `noob serve` would keep this process alive after its work is done.
  if (process.connected) process.disconnect();
  return broken ? reportBroken('worker', broken, io) : 0;
}

function describeModules(modules: ModulePolicy, http: boolean): string {
  if (modules === 'allow')
    return 'Tasks may load any module type; --allow-modules PKG,./DIR,… limits them, --no-modules refuses them.';
  if (modules === 'deny')
    return http
      ? 'Tasks may not load module types (./x.ts#f, pkg#f); --allow-modules ./DIR,PKG,… allows those, a bare --allow-modules all.'
      : 'Tasks may not load module types (--no-modules).';
  return `Tasks may load module types from: ${modules.allow.join(', ') || 'nowhere'}.`;
}
