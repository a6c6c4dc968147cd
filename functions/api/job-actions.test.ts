import { afterEach, describe, expect, it, vi } from 'vitest';
import { type ApiTestEnv, apiTestEnv, authed, startPlatform } from './test-env.ts';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
let env: ApiTestEnv;
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await env?.close();
});

/** A worker and a coordinator on the env's queue, as `noob serve` runs them. */
async function runPlatform(): Promise<void> {
  cleanups.push(await startPlatform(env.queue));
}

/** `path` as `key`'s tenant: status and JSON body. */
async function call(path: string, method = 'GET', body?: unknown, key = env.acme) {
  const response = await env.app.request(path, authed(key, method, body));
  return { status: response.status, body: (await response.json()) as any };
}

/** The job's status once final. */
async function finished(id: string) {
  let job: any;
  await vi.waitFor(
    async () => {
      job = (await call(`/v1/jobs/${id}`)).body;
      expect(['succeeded', 'failed', 'cancelled']).toContain(job.state);
    },
    { timeout: 20_000, interval: 20 },
  );
  return job;
}

describe('retries, dead letters, retry and re-run', () => {
  it('behavior: a job retries a failing node per its retry policy, then dead-letters it; retry and re-run', async () => {
    env = await apiTestEnv();
    await runPlatform();
    const retry = { attempts: 2, backoff: { type: 'fixed', delayMs: 20 } };
    const submitted = await call('/v1/jobs', 'POST', { tube: 'own-error', retry });
    expect(submitted.status).toBe(202);
    const { id } = submitted.body;
    const failed = await finished(id);
    expect(failed.state).toBe('failed');
    expect(failed.error.message).toMatch(/node b failed/);

    // The failing call was tried twice (one retry after the fixed delay) and dead-lettered.
    const letters = (await call('/v1/dead-letters')).body.deadLetters;
    expect(letters).toEqual([
      expect.objectContaining({ jobId: id, nodeId: 'b', epoch: '0', attempts: 2 }),
    ]);
    expect(letters[0].error).toMatchObject({ message: expect.stringMatching(/error/i) });
    expect((await call(`/v1/dead-letters?job=${id}`)).body.deadLetters).toHaveLength(1);
    expect((await call('/v1/dead-letters', 'GET', undefined, env.globex)).body.deadLetters).toEqual(
      [],
    );

    // Retry: the same job runs again (and fails again: the node always errors).
    const retried = await call(`/v1/jobs/${id}/retry`, 'POST');
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ retried: 1, job: { id, error: null } });
    expect(['queued', 'running']).toContain(retried.body.job.state);
    expect((await finished(id)).state).toBe('failed');
    const attempts = (await call(`/v1/dead-letters?job=${id}`)).body.deadLetters[0].attempts;
    expect(attempts).toBe(2);

    // Re-run: a new job of the same request, from the start.
    const rerun = await call(`/v1/jobs/${id}/rerun`, 'POST');
    expect(rerun.status).toBe(202);
    expect(rerun.body.id).not.toBe(id);
    expect((await finished(rerun.body.id)).state).toBe('failed');
    expect((await call(`/v1/dead-letters?job=${rerun.body.id}`)).body.deadLetters).toEqual([
      expect.objectContaining({ nodeId: 'b', attempts: 2 }),
    ]);
  });

  it("error: only a failed job can be retried; another tenant's job is not found", async () => {
    env = await apiTestEnv();
    await runPlatform();
    const { id } = (await call('/v1/jobs', 'POST', { tube: 'testing-basic', epochs: 2 })).body;
    expect((await finished(id)).state).toBe('succeeded');
    const refused = await call(`/v1/jobs/${id}/retry`, 'POST');
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({
      code: 'job_finished',
      details: { state: 'succeeded' },
    });
    expect((await call(`/v1/jobs/${id}/retry`, 'POST', undefined, env.globex)).status).toBe(404);
    expect((await call(`/v1/jobs/${id}/rerun`, 'POST', undefined, env.globex)).status).toBe(404);
    const rerun = await call(`/v1/jobs/${id}/rerun`, 'POST');
    expect((await finished(rerun.body.id)).state).toBe('succeeded');
  });
});
