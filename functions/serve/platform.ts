import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import type { ModulePolicy } from '../../core/node/module-policy.ts';
import { DEFAULT_QUEUE_PATH, openQueue } from '../../core/queue/open.ts';
import type { Queue } from '../../core/queue/queue.ts';
import { KeyStore } from '../api/keys.ts';
import { Coordinator } from './coordinator.ts';
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
  /** Starts the job API on the queue and key store, with the tube folders and policy. */
  startApi: (deps: ApiDeps) => Promise<ApiHandle>;
  /**
   * Told when the queue's connection breaks because a flush to disk failed (see
   * `OpenQueueOptions.onBroken`): the platform can no longer acknowledge anything.
   */
  onBroken?: (error: Error) => void;
}

/** What the job API is started with: the platform's queue, keys and tube rules. */
export interface ApiDeps {
  queue: Queue;
  keys: KeyStore;
  tubePaths: readonly string[];
  modules: ModulePolicy;
}

/** The running platform. */
export interface Platform {
  url: string;
  queue: Queue;
  keys: KeyStore;
  workers: WorkerPool;
  /** Stops taking requests, lets running work be reported, closes the database. */
  stop(): Promise<void>;
}

/**
 * The whole job platform on one machine: the durable queue (embedded libSQL by default),
 * worker processes pulling from it, the coordinator that runs submitted tube jobs, and
 * the job API in front. Every piece talks through the queue, so any of them can restart.
 */
export async function startPlatform(options: PlatformOptions): Promise<Platform> {
  const db = options.db ?? DEFAULT_QUEUE_PATH;
  const queue = await openQueue(db, options.onBroken ? { onBroken: options.onBroken } : {});
  const keys = new KeyStore(queue.driver);
  const tubePaths = options.tubePaths ?? [];
  const modules = options.modules ?? 'deny';
  const workers = await startWorkerPool(db, options.workers ?? availableParallelism(), {
    modules: workerModules(tubePaths, modules),
  });
  const coordinator = new Coordinator({
    queue,
    searchPaths: tubePaths,
    modules,
    recordOutcome: async (tenant, jobId, outcome) => {
      await queue.setJobOutcome(tenant, jobId, outcome);
    },
  });
  coordinator.start();
  let api: ApiHandle;
  try {
    api = await options.startApi({ queue, keys, tubePaths, modules });
  } catch (error) {
    // E.g. the port is taken: stop what started, or its workers would keep the process up.
    await coordinator.stop();
    await workers.stop();
    await queue.close();
    throw error;
  }
  return {
    url: api.url,
    queue,
    keys,
    workers,
    async stop() {
      await api.close();
      await coordinator.stop();
      await workers.stop();
      await queue.close();
    },
  };
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
