import { availableParallelism, hostname } from 'node:os';
import { resolve } from 'node:path';
import type { ModulePolicy } from '../../core/node/module-policy.ts';
import { NOOB_BIN } from '../../core/package-layout.ts';
import { DEFAULT_QUEUE_PATH, openQueue } from '../../core/queue/open.ts';
import type { Queue } from '../../core/queue/queue.ts';
import { SubmissionWriter } from '../../core/queue/submission-writer.ts';
import { forgetWorker, reapWorkers } from '../../core/queue/worker-presence.ts';
import type { Readiness } from '../api/health.ts';
import { KeyStore } from '../api/keys.ts';
import { embeddedPath } from './database-path.ts';
import { checkIntegrity } from './integrity.ts';
import { localKey, localKeyFile } from './local-key.ts';
import { LogFileWatch } from './log-file.ts';
import { platformReadiness } from './readiness.ts';
import { Supervised } from './supervisor.ts';
import { startWorkerPool, type WorkerPool } from './workers.ts';

/** A started HTTP front end. */
export interface ApiHandle {
  url: string;
  close(): Promise<void>;
}

/** How `noob serve` puts the platform together. */
export interface PlatformOptions {
  /** Queue database: a libSQL file (default `.noob/noob.db`) or a libsql:// / http:// URL. */
  db?: string;
  /** Worker processes (default: the cores). */
  workers?: number;
  /** Folders of registered tubes (they may use module types; see `modules`). */
  tubePaths?: readonly string[];
  /**
   * Module types submitted tubes may use (default `'deny'`): the coordinator applies it,
   * and `startApi` gets it to give the API, so both judge a tube alike. The workers load
   * what it allows and the modules inside the tube folders (see {@link workerModules}).
   */
  modules?: ModulePolicy;
  /**
   * Multiaddrs of `noob peer` processes: the coordinator joins the peer network through
   * them and runs jobs asking for `runner: "p2p"` there; without any, the API refuses them.
   */
  peers?: readonly string[];
  /** Starts the job API on the queue and key store, with the tube folders and policy. */
  startApi: (deps: ApiDeps) => Promise<ApiHandle>;
  /**
   * Told when the queue's connection breaks because a flush to disk failed (see
   * `OpenQueueOptions.onBroken`): the platform can no longer acknowledge anything.
   */
  onBroken?: (error: Error) => void;
  /** Told of processes dying and restarting, and of a damaged log file (default: stderr). */
  log?: (line: string) => void;
}

/** What the job API is started with: the platform's queue, keys, tube rules and health. */
export interface ApiDeps {
  queue: Queue;
  keys: KeyStore;
  tubePaths: readonly string[];
  modules: ModulePolicy;
  /** `GET /readyz`: database writable, log file in place, a coordinator and a worker up. */
  readiness: Readiness;
  /** Whether jobs may ask for `runner: "p2p"` (the coordinator joined a peer network). */
  peerNetwork: boolean;
}

/** The running platform. */
export interface Platform {
  url: string;
  queue: Queue;
  keys: KeyStore;
  workers: WorkerPool;
  /** The coordinator process (restarted when it dies). */
  coordinator: Supervised;
  /** The API key for tenant `local`, the same at every start (see {@link localKey}). */
  localKey: { key: string; created: boolean };
  /** Stops taking requests, lets running work be reported, closes the database. */
  stop(): Promise<void>;
}

/**
 * The whole job platform on one machine, one process per part, all talking through the
 * durable queue (embedded libSQL by default):
 * - this process: the job API (and the supervision of the others);
 * - `noob coordinator`: runs each tube job's scheduler and stateful nodes, so a tenant's
 *   tube never runs on the API's event loop nor in its memory;
 * - `noob worker` processes: the node calls.
 * A coordinator or worker that dies is restarted with backoff; the coordinator comes back
 * under the same name and takes its jobs back at once (see `Coordinator`), a dead
 * worker's row is removed from the worker list, and so are the rows of workers unseen for
 * NOOB_WORKER_DEAD_MS (say a former server's, killed with -9 with its workers). The
 * database is checked before anything starts: a damaged one fails the start.
 */
export async function startPlatform(options: PlatformOptions): Promise<Platform> {
  const db = options.db ?? DEFAULT_QUEUE_PATH;
  const path = embeddedPath(db);
  const log = options.log ?? ((line: string) => process.stderr.write(`noob serve: ${line}\n`));
  // Told when the queue's connection breaks, or its submission writer's.
  const onBroken = options.onBroken ? { onBroken: options.onBroken } : {};
  const queue = await openQueue(db, onBroken);
  const started: Array<{ stop(): Promise<unknown> }> = [];
  const stopAll = async () => {
    for (const part of started.reverse()) await part.stop();
    await queue.close();
  };
  try {
    if (path) {
      await checkIntegrity(queue.driver, path);
      // Submissions commit on a thread of their own, off the API's event loop (docs/queue.md).
      const writer = await SubmissionWriter.start(path, queue.driver, onBroken);
      queue.commitSubmissionsWith(writer);
      started.push({
        stop: async () => {
          queue.commitSubmissionsWith(undefined);
          await writer.close();
        },
      });
    }
    const keys = new KeyStore(queue.driver);
    const key = await localKey(keys, localKeyFile(db, path));
    // Workers of a server killed with -9 whose processes died too said nothing: they are
    // forgotten once unseen for NOOB_WORKER_DEAD_MS, now and every 15 s.
    const reap = () => reapWorkers(queue.driver).catch(() => []);
    await reap();
    const reaping = setInterval(reap, 15_000).unref();
    started.push({ stop: async () => clearInterval(reaping) });
    const tubePaths = options.tubePaths ?? [];
    const modules = options.modules ?? 'deny';
    const workers = await startWorkerPool(db, options.workers ?? availableParallelism(), {
      modules: workerModules(tubePaths, modules),
      log,
      // A dead worker leaves the worker list at once (its tasks' leases expire as usual).
      onExit: async (id) => {
        if (id) await forgetWorker(queue.driver, id);
      },
    });
    started.push(workers);
    const coordinator = new Supervised({
      name: 'coordinator',
      args: [
        NOOB_BIN,
        'coordinator',
        '--db',
        db,
        // Restarted under the same name, it takes its jobs back without waiting for leases.
        '--id',
        `serve-${hostname()
          .replace(/[^A-Za-z0-9.-]/g, '-')
          .slice(0, 64)}-${process.pid}`,
        ...tubePaths.flatMap((folder) => ['--search-path', folder]),
        ...coordinatorModuleFlags(modules),
        ...(options.peers?.length ? ['--peers', options.peers.join(',')] : []),
      ],
      ready: /noob coordinator (\S+) driving/,
      log,
    });
    started.push(coordinator);
    await coordinator.start();
    const logFile = path ? new LogFileWatch(path) : undefined;
    const watch = logFile ? setInterval(() => logFile.watch(log), 2_000).unref() : undefined;
    started.push({ stop: async () => clearInterval(watch) });
    const readiness = platformReadiness({ queue, coordinator, workers, logFile });
    const peerNetwork = (options.peers?.length ?? 0) > 0;
    const api = await options.startApi({ queue, keys, tubePaths, modules, readiness, peerNetwork });
    started.push({ stop: () => api.close() });
    return {
      url: api.url,
      queue,
      keys,
      workers,
      coordinator,
      localKey: key,
      stop: stopAll,
    };
  } catch (error) {
    // E.g. the port is taken: stop what started, or its processes would keep this one up.
    await stopAll();
    throw error;
  }
}

/** `noob coordinator`'s flags for the module policy of submitted tubes. */
function coordinatorModuleFlags(modules: ModulePolicy): string[] {
  if (modules === 'allow') return ['--allow-modules'];
  if (modules === 'deny' || modules.allow.length === 0) return [];
  return [`--allow-modules=${modules.allow.join(',')}`];
}

/**
 * What the platform's workers may load: every module when submitted tubes may use any,
 * else the tube folders (and NOOB_TUBE_PATH's), whose tubes' relative module types reach
 * workers as absolute paths inside them, plus the packages and folders allowed to
 * submitted tubes. So a task put into the queue another way cannot load other code.
 * A registered tube's package types, or files outside the tube folders, must be listed
 * in `modules` too for the workers to run them.
 */
export function workerModules(tubePaths: readonly string[], modules: ModulePolicy): ModulePolicy {
  if (modules === 'allow') return 'allow';
  const environment = (process.env.NOOB_TUBE_PATH ?? '').split(':').filter(Boolean);
  const folders = [...tubePaths, ...environment].map((folder) => resolve(folder));
  return { allow: [...folders, ...(modules === 'deny' ? [] : modules.allow)] };
}
