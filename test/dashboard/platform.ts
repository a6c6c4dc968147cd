import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { type ApiServer, startApiServer } from '../../functions/api/serve.ts';
import { type ApiTestEnv, apiTestEnv, TEST_TUBE_PATHS } from '../../functions/api/test-env.ts';
import { Coordinator } from '../../functions/serve/coordinator.ts';
import { QueueWorker } from '../../functions/worker/queue-worker.ts';

/**
 * What the dashboard's browser tests run against: the real job API on 127.0.0.1 over a
 * libSQL file, with a real queue worker and coordinator working its queue (as `noob
 * serve` runs them), keys for tenants `acme` and `globex` and for the operator `ops`. The
 * server can be stopped and started again on the same port (the page's offline state).
 */
export interface DashboardPlatform extends ApiTestEnv {
  /** The operator's key (tenant `ops`, named in the server's `operators`). */
  ops: string;
  /** `http://127.0.0.1:PORT/` */
  url: string;
  stopServer(): Promise<void>;
  startServer(): Promise<void>;
  close(): Promise<void>;
}

/** The folder of the dashboard's own tubes (`dashboard-chatty`). */
export const DASHBOARD_TUBES = join(import.meta.dirname, 'tubes');

/** Start a {@link DashboardPlatform}; `close()` stops it all. */
export async function dashboardPlatform(): Promise<DashboardPlatform> {
  const env = await apiTestEnv();
  const ops = (await env.keys.create('ops')).key;
  const tubePaths = [...TEST_TUBE_PATHS, DASHBOARD_TUBES];
  const worker = new QueueWorker({ queue: env.queue, idleMs: 2 });
  await worker.start();
  // As noob serve runs it: registered tubes found in the same folders as the API's.
  const coordinator = new Coordinator({
    queue: env.queue,
    pollMs: 5,
    searchPaths: tubePaths,
    recordOutcome: async (tenant, jobId, outcome) => {
      await env.queue.setJobOutcome(tenant, jobId, outcome);
    },
  });
  coordinator.start();
  let port = 0;
  let server: ApiServer | undefined;
  const startServer = async () => {
    server = await startApiServer({
      queue: env.queue,
      keys: env.keys,
      tubePaths,
      operators: ['ops'],
      eventPollMs: 5,
      closeGraceMs: 200,
      port,
    });
    port = Number(new URL(server.url).port);
  };
  await startServer();
  const platform: DashboardPlatform = {
    ...env,
    ops,
    url: `${server!.url}/`,
    startServer,
    async stopServer() {
      await server?.close();
      server = undefined;
    },
    async close() {
      await platform.stopServer();
      await coordinator.stop();
      await worker.stop();
      await env.close();
    },
  };
  return platform;
}

/** A fresh page (its own storage) at the dashboard, signed in with `key` when given. */
export async function openDashboard(
  browser: Browser,
  platform: DashboardPlatform,
  options: { key?: string; viewport?: { width: number; height: number } } = {},
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1280, height: 900 },
    colorScheme: 'light',
  });
  if (options.key) {
    await context.addInitScript((key) => localStorage.setItem('noob.apiKey', key), options.key);
  }
  const page = await context.newPage();
  // Script errors and anything the page's policy blocked are kept for the test to check
  // (none is expected).
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) errors.push(message.text());
  });
  await page.goto(platform.url);
  return { context, page, errors };
}
