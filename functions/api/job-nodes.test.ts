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

  it('behavior: a job run on the peer network shows the calls its coordinator counted there, by node', async () => {
    env = await apiTestEnv({ peerNetwork: true });
    const { id } = (
      await call('/v1/jobs', env.acme, 'POST', { tube: 'testing-basic', epochs: 3, runner: 'p2p' })
    ).body;
    const node = { total: 0, done: 0, failed: 0, cancelled: 0, runMs: 0 };
    await env.queue.recordNetworkCalls('acme', id, {
      total: 4,
      done: 2,
      failed: 1,
      cancelled: 0,
      nodes: { b: { ...node, total: 3, done: 2, runMs: 30 }, c: { ...node, total: 1, failed: 1 } },
    });
    const { body } = await call(`/v1/jobs/${id}/nodes`);
    expect(body.complete).toBe(true);
    const byId = Object.fromEntries(body.nodes.map((n: any) => [n.id, n]));
    expect(Object.keys(byId)).toEqual(['a', 'b', 'c']);
    // Sent and not answered yet: running, as a leased task is.
    expect(byId.b.tasks).toEqual({ queued: 0, running: 1, done: 2, failed: 0, cancelled: 0 });
    expect(byId.b.meanRunMs).toBe(15);
    expect(byId.c.tasks).toEqual({ queued: 0, running: 0, done: 0, failed: 1, cancelled: 0 });
    expect(byId.c.meanRunMs).toBeNull();
    // The stateful source runs in the coordinator, not on the network.
    expect(byId.a.tasks).toEqual({ queued: 0, running: 0, done: 0, failed: 0, cancelled: 0 });

    // A run taken up again counts from zero: its nodes replace the last run's.
    await env.queue.recordNetworkCalls('acme', id, {
      total: 1,
      done: 1,
      failed: 0,
      cancelled: 0,
      nodes: { b: { ...node, total: 1, done: 1, runMs: 8 } },
    });
    const again = Object.fromEntries(
      (await call(`/v1/jobs/${id}/nodes`)).body.nodes.map((n: any) => [n.id, n]),
    );
    expect(again.b.tasks).toEqual({ queued: 0, running: 0, done: 1, failed: 0, cancelled: 0 });
    expect(again.b.meanRunMs).toBe(8);
    expect(again.c.tasks.failed).toBe(0);
  });

  it("error: counts written for another tenant's job, or for a finished one, are not shown", async () => {
    env = await apiTestEnv({ peerNetwork: true });
    const { id } = (
      await call('/v1/jobs', env.acme, 'POST', { tube: 'testing-basic', runner: 'p2p' })
    ).body;
    const calls = (done: number) => ({
      total: 1,
      done,
      failed: 0,
      cancelled: 0,
      nodes: { b: { total: 1, done, failed: 0, cancelled: 0, runMs: 1 } },
    });
    await env.queue.recordNetworkCalls('globex', id, calls(1));
    const b = async () =>
      (await call(`/v1/jobs/${id}/nodes`)).body.nodes.find((n: any) => n.id === 'b').tasks;
    expect((await b()).done).toBe(0);
    await env.queue.recordNetworkCalls('acme', id, calls(1));
    await env.queue.setJobOutcome('acme', id, { results: [0] });
    // A late write of a run that lost the job does not change what it shows.
    await env.queue.recordNetworkCalls('acme', id, calls(0));
    expect((await b()).done).toBe(1);
    await expect(
      env.queue.recordNetworkCalls('acme', id, {
        ...calls(1),
        nodes: { b: { total: 1, done: -1, failed: 0, cancelled: 0, runMs: 0 } },
      }),
    ).rejects.toMatchObject({ name: 'InvalidSubmissionError', message: /node b's calls done/ });
  });

  it("error: another tenant's job is not found", async () => {
    env = await apiTestEnv();
    const { id } = (await call('/v1/jobs', env.acme, 'POST', { tube: 'own-error' })).body;
    const other = await call(`/v1/jobs/${id}/nodes`, env.globex);
    expect(other.status).toBe(404);
    expect(other.body.error.code).toBe('job_not_found');
  });
});
