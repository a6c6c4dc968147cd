import { availableParallelism } from 'node:os';
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
  /** Folders of registered tubes, for the coordinator (the API gets its own). */
  tubePaths?: readonly string[];
  /** Starts the job API on the queue and key store. */
  startApi: (deps: { queue: Queue; keys: KeyStore }) => Promise<ApiHandle>;
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
  const queue = await openQueue(db);
  const keys = new KeyStore(queue.driver);
  const workers = await startWorkerPool(db, options.workers ?? availableParallelism());
  const coordinator = new Coordinator({
    queue,
    searchPaths: options.tubePaths ?? [],
    recordOutcome: async (tenant, jobId, outcome) => {
      await queue.setJobOutcome(tenant, jobId, outcome);
    },
  });
  coordinator.start();
  const api = await options.startApi({ queue, keys });
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
