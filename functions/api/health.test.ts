import { afterEach, describe, expect, it } from 'vitest';
import { reportOf } from './health.ts';
import { type ApiTestEnv, apiTestEnv } from './test-env.ts';

let env: ApiTestEnv | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

describe('health routes', () => {
  it('behavior: GET /livez answers without a key and without the database', async () => {
    env = await apiTestEnv();
    await env.queue.close();
    const response = await env.app.request('/livez');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
  });

  it('default: GET /readyz is 200 when the database takes writes', async () => {
    env = await apiTestEnv();
    const response = await env.app.request('/readyz');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ready: true, checks: { database: { ok: true } } });
  });

  it('error: a database that answers reads but refuses writes is live, not ready (503 saying why)', async () => {
    env = await apiTestEnv();
    // SQLite's own read-only switch on the server's connection: reads answer, writes fail.
    await env.queue.driver.execute({ sql: 'PRAGMA query_only = 1', params: {} });
    expect((await env.app.request('/healthz')).status).toBe(200);
    const response = await env.app.request('/readyz');
    expect(response.status).toBe(503);
    const report = (await response.json()) as any;
    expect(report.ready).toBe(false);
    expect(report.checks.database.ok).toBe(false);
    expect(report.checks.database.message).toMatch(/the database refuses writes: .*readonly/i);
    await env.queue.driver.execute({ sql: 'PRAGMA query_only = 0', params: {} });
  });

  it('behavior: the platform’s own checks replace the default; one failing check makes it not ready', async () => {
    env = await apiTestEnv({
      readiness: async () =>
        reportOf({ database: { ok: true }, workers: { ok: false, message: 'no worker is up' } }),
    });
    const response = await env.app.request('/readyz');
    expect(response.status).toBe(503);
    expect(((await response.json()) as any).checks.workers.message).toBe('no worker is up');
  });
});
