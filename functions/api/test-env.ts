import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openQueue } from '../../core/queue/open.ts';
import type { Queue } from '../../core/queue/queue.ts';
import { BASIC_TUBE, EXAMPLES, OWN } from '../../test/conformance/suite.ts';
import { Coordinator } from '../serve/coordinator.ts';
import { QueueWorker } from '../worker/queue-worker.ts';
import { type ApiAppOptions, createApiApp } from './app.ts';
import { KeyStore } from './keys.ts';
import { type ApiServer, type ApiServerOptions, startApiServer } from './serve.ts';

/** The folders whose tubes these tests submit by noob_id. */
export const TEST_TUBE_PATHS = [EXAMPLES, OWN];

/**
 * For this folder's tests: a fresh queue on a libSQL file in its own temp folder, an app
 * over it with the examples and the project's conformance tubes registered (noob_ids
 * `testing-basic`, `own-error`, `own-cycle`, …), and keys for two tenants.
 */
export interface ApiTestEnv {
  queue: Queue;
  keys: KeyStore;
  app: ReturnType<typeof createApiApp>;
  /** Keys of tenants `acme` and `globex`. */
  acme: string;
  globex: string;
  close(): Promise<void>;
}

/** Build an {@link ApiTestEnv}; `options` override the app's. */
export async function apiTestEnv(options: Partial<ApiAppOptions> = {}): Promise<ApiTestEnv> {
  const dir = mkdtempSync(join(tmpdir(), 'noob-api-'));
  const queue = await openQueue(join(dir, 'noob.db'));
  const keys = new KeyStore(queue.driver);
  const app = createApiApp({ queue, keys, tubePaths: TEST_TUBE_PATHS, eventPollMs: 5, ...options });
  return {
    queue,
    keys,
    app,
    acme: (await keys.create('acme')).key,
    globex: (await keys.create('globex')).key,
    async close() {
      await queue.close().catch(() => undefined); // a test may have closed it already
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** An {@link ApiTestEnv} also served over real HTTP. */
export interface ServedApiTestEnv extends ApiTestEnv {
  /** A server over the env's queue and keys (a test may close it early). */
  server: ApiServer;
  /** Its `http://127.0.0.1:PORT`. */
  url: string;
}

/** Build a {@link ServedApiTestEnv} on a free loopback port; `close()` stops both. */
export async function servedApiTestEnv(
  options: Partial<ApiServerOptions> = {},
): Promise<ServedApiTestEnv> {
  const env = await apiTestEnv();
  const server = await startApiServer({
    queue: env.queue,
    keys: env.keys,
    tubePaths: TEST_TUBE_PATHS,
    port: 0,
    eventPollMs: 5,
    ...options,
  });
  return {
    ...env,
    server,
    url: server.url,
    async close() {
      await server.close();
      await env.close();
    },
  };
}

/** A JSON request with a bearer key. */
export function authed(key: string, method = 'GET', body?: unknown): RequestInit {
  return {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  };
}

export { BASIC_TUBE, OWN };

/**
 * A queue worker and a coordinator on `queue`, as `noob serve` runs them (in this process):
 * returns the function that stops both.
 */
export async function startPlatform(queue: Queue): Promise<() => Promise<void>> {
  const worker = new QueueWorker({ queue, idleMs: 2 });
  await worker.start();
  const coordinator = new Coordinator({
    queue,
    pollMs: 5,
    recordOutcome: async (tenant, jobId, outcome) => {
      await queue.setJobOutcome(tenant, jobId, outcome);
    },
  });
  coordinator.start();
  return async () => {
    await coordinator.stop();
    await worker.stop();
  };
}
