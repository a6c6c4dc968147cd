import { afterEach, describe, expect, it, vi } from 'vitest';
import { type ApiTestEnv, apiTestEnv, authed, startPlatform } from './test-env.ts';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
let env: ApiTestEnv;
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await env?.close();
});

async function call(path: string, key = env.acme, method = 'GET', body?: unknown) {
  const response = await env.app.request(path, authed(key, method, body));
  return { status: response.status, body: (await response.json()) as any };
}

describe('GET /v1/jobs/:id/nodes', () => {
  it("behavior: the tube's graph with each node's calls by state and their mean run time", async () => {
    env = await apiTestEnv();
    cleanups.push(await startPlatform(env.queue));
    const submit = async (tube: string) =>
      (await call('/v1/jobs', env.acme, 'POST', { tube, epochs: 3, retry: { attempts: 1 } })).body
        .id as string;
    const [good, bad] = [await submit('testing-basic'), await submit('own-error')];
    for (const id of [good, bad]) {
      await vi.waitFor(
        async () => expect((await call(`/v1/jobs/${id}`)).body.finishedAt).not.toBeNull(),
        { timeout: 20_000, interval: 20 },
      );
    }
    const nodes = async (id: string) => {
      const { status, body } = await call(`/v1/jobs/${id}/nodes`);
      expect(status).toBe(200);
      expect(body.complete).toBe(true);
      return Object.fromEntries(body.nodes.map((n: any) => [n.id, n]));
    };
    const basic = await nodes(good);
    expect(Object.keys(basic)).toEqual(['a', 'b', 'c']);
    // a counts in the coordinator (stateful); b's three calls ran on the worker.
    expect(basic.a).toMatchObject({
      type: 'noob.testing.count_source',
      stateful: true,
      depends: [],
    });
    expect(basic.b).toMatchObject({ depends: ['a'], stateful: false });
    expect(basic.b.tasks).toEqual({ queued: 0, running: 0, done: 3, failed: 0, cancelled: 0 });
    expect(basic.b.meanRunMs).toBeGreaterThanOrEqual(0);
    expect(basic.c.depends).toEqual(['b']);
    const failing = await nodes(bad);
    expect(failing.b.tasks.failed).toBeGreaterThanOrEqual(1);
    expect(failing.b.tasks.done).toBe(0);
    expect(failing.b.meanRunMs).toBeNull();
  });

  it("error: another tenant's job is not found", async () => {
    env = await apiTestEnv();
    const { id } = (await call('/v1/jobs', env.acme, 'POST', { tube: 'own-error' })).body;
    const other = await call(`/v1/jobs/${id}/nodes`, env.globex);
    expect(other.status).toBe(404);
    expect(other.body.error.code).toBe('job_not_found');
  });
});
