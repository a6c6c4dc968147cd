import { afterEach, describe, expect, it } from 'vitest';
import { tubeCid } from '../../core/cid.ts';
import type { TubeJobPayload } from './submit-job.ts';
import { type ApiTestEnv, apiTestEnv, authed, startPlatform, TEST_TUBE_PATHS } from './test-env.ts';
import { loadStoredTube } from './tube-source.ts';

/** Jobs say what they are: their tube (noob_id and CID), their epochs, and events by node. */

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setUp(): Promise<ApiTestEnv> {
  const env = await apiTestEnv();
  cleanups.push(() => env.close());
  return env;
}

async function call(env: ApiTestEnv, path: string, method = 'GET', body?: unknown) {
  const response = await env.app.request(path, authed(env.acme, method, body));
  return (await response.json()) as any;
}

/** Every stateful: a source and a slow node marked stateful, both run by the coordinator. */
const ALL_STATEFUL = `noob_id: slow-stateful
nodes:
  count:
    type: noob.testing.count_source
  wait:
    type: noob.testing.just_wait
    stateful: true
    params: { wait_for: 0.15 }
    depends:
      - value: count.index
  out:
    type: return
    depends: wait.value
`;

describe('jobs say what they are', () => {
  it('default: a job and its list entry carry the tube’s noob_id and CID, and the epochs asked for', async () => {
    const env = await setUp();
    const { id } = await call(env, '/v1/jobs', 'POST', { tube: 'testing-basic', epochs: 5 });
    const job = await call(env, `/v1/jobs/${id}`);
    expect(job.tube).toEqual({
      noobId: 'testing-basic',
      cid: expect.stringMatching(/^b[a-z2-7]+$/),
    });
    expect(job.progress.epochs).toEqual({ total: 5, done: 0 });
    const listed = (await call(env, '/v1/jobs')).jobs.find((j: { id: string }) => j.id === id);
    expect(listed.tube).toEqual(job.tube);
    expect(listed.progress).toEqual(job.progress);
    // The CID is the tube's as its coordinator loads and runs it.
    const payload = (await env.queue.getJob('acme', id)).payload as TubeJobPayload;
    const { tube } = await loadStoredTube(payload.tube, payload.registered, payload.inputs, {
      tubePaths: TEST_TUBE_PATHS,
    });
    expect(job.tube.cid).toBe(tubeCid(tube));
    // Text submitted as such says its own noob_id.
    const text = await call(env, '/v1/jobs', 'POST', { tube: ALL_STATEFUL, epochs: 2 });
    expect((await call(env, `/v1/jobs/${text.id}`)).tube.noobId).toBe('slow-stateful');
  });

  it('behavior: a run of stateful nodes only is running and counts its epochs while it runs', async () => {
    const env = await setUp();
    cleanups.push(await startPlatform(env.queue));
    const { id } = await call(env, '/v1/jobs', 'POST', { tube: ALL_STATEFUL, epochs: 4 });
    const seen: { state: string; done: number }[] = [];
    for (let i = 0; i < 400; i++) {
      const job = await call(env, `/v1/jobs/${id}`);
      seen.push({ state: job.state, done: job.progress.epochs.done });
      if (job.state === 'succeeded') break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const last = seen.at(-1)!;
    expect(last).toEqual({ state: 'succeeded', done: 4 });
    // Midway it was running, with some epochs done and some not: the bar moved.
    expect(seen.some((s) => s.state === 'running' && s.done > 0 && s.done < 4)).toBe(true);
    const events = await env.queue.events('acme', id);
    expect(events.filter((e) => e.type === 'job.progress').map((e) => e.data.epochsDone)).toEqual([
      1, 2, 3, 4,
    ]);
    const job = await call(env, `/v1/jobs/${id}`);
    expect(job.progress).toMatchObject({ total: 0, epochs: { total: 4, done: 4 } });
  });

  it('behavior: task events name each call’s node and epoch', async () => {
    const env = await setUp();
    cleanups.push(await startPlatform(env.queue));
    const { id } = await call(env, '/v1/jobs', 'POST', { tube: 'testing-basic', epochs: 2 });
    await env.queue.changes.until(
      async () => (await call(env, `/v1/jobs/${id}`)).state === 'succeeded',
    );
    const events = await env.queue.events('acme', id);
    const succeeded = events
      .filter((e) => e.type === 'tasks.succeeded')
      .flatMap((e) => e.data.tasks as { node: string; epoch: string }[]);
    expect(succeeded.length).toBeGreaterThan(0);
    for (const task of succeeded) {
      expect(task.node).toEqual(expect.any(String));
      expect(task.epoch).toMatch(/^[01]$/);
    }
  });
});
