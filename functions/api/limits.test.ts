import { request } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type ApiTestEnv, apiTestEnv, authed, servedApiTestEnv } from './test-env.ts';

let env: ApiTestEnv;
afterEach(async () => {
  await env?.close();
});

const BASIC = 'testing-basic';

/** A request fetch cannot make (TRACE), over real HTTP: its status and Allow header. */
function rawRequest(url: string, method: string, key: string) {
  return new Promise<{ status: number; allow: string | undefined }>((resolve, reject) => {
    const req = request(url, { method, headers: { authorization: `Bearer ${key}` } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode!, allow: res.headers.allow }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('job API limits', () => {
  it('error: a tenant at its open-jobs quota gets 429 with Retry-After; another tenant still submits', async () => {
    env = await apiTestEnv({ limits: { maxOpenJobsPerTenant: 2, retryAfterSeconds: 7 } });
    for (let i = 0; i < 2; i++) {
      expect(
        (await env.app.request('/v1/jobs', authed(env.acme, 'POST', { tube: BASIC }))).status,
      ).toBe(202);
    }
    const refused = await env.app.request('/v1/jobs', authed(env.acme, 'POST', { tube: BASIC }));
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('7');
    expect(await refused.json()).toMatchObject({
      error: {
        code: 'quota_exceeded',
        message: 'this tenant already has 2 open jobs, its limit',
        details: { quota: 'open jobs', limit: 2, retryAfterSeconds: 7 },
      },
    });
    const other = await env.app.request('/v1/jobs', authed(env.globex, 'POST', { tube: BASIC }));
    expect(other.status).toBe(202);
    // A finished job frees its place.
    const [open] = (
      await env.queue.driver.batch([
        { sql: "SELECT id FROM jobs WHERE tenant = 'acme' LIMIT 1", params: {} },
      ])
    )[0]!.rows;
    await env.queue.cancelJob('acme', String(open!.id));
    expect(
      (await env.app.request('/v1/jobs', authed(env.acme, 'POST', { tube: BASIC }))).status,
    ).toBe(202);
  });

  it('error: a tenant at its event-stream quota gets 429; a closed stream frees its place', async () => {
    env = await apiTestEnv({ limits: { maxStreamsPerTenant: 1 } });
    const { id } = (await (
      await env.app.request('/v1/jobs', authed(env.acme, 'POST', { tube: BASIC }))
    ).json()) as { id: string };
    const first = await env.app.request(`/v1/jobs/${id}/events`, authed(env.acme));
    expect(first.status).toBe(200);
    const second = await env.app.request(`/v1/jobs/${id}/events`, authed(env.acme));
    expect(second.status).toBe(429);
    expect(second.headers.get('retry-after')).toBe('5');
    expect(((await second.json()) as any).error.details.quota).toBe('open event streams');
    // Another tenant's streams are counted apart (its 404 is not a quota answer).
    expect((await env.app.request(`/v1/jobs/${id}/events`, authed(env.globex))).status).toBe(404);
    await first.body!.cancel();
    await vi.waitFor(async () => {
      const third = await env.app.request(`/v1/jobs/${id}/events`, authed(env.acme));
      expect(third.status).toBe(200);
      await third.body!.cancel();
    });
  });

  it('error: epochs × nodes over the per-job task limit is a 400 naming both', async () => {
    env = await apiTestEnv({ limits: { maxTasksPerJob: 100 } });
    const response = await env.app.request(
      '/v1/jobs',
      authed(env.acme, 'POST', { tube: BASIC, epochs: 1_000 }),
    );
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as any;
    expect(error.code).toBe('too_many_tasks');
    expect(error.message).toMatch(
      /^1000 epochs × \d+ nodes is \d+ node calls, over the per-job limit of 100$/,
    );
  });

  it('error: a body that is not JSON is 415, whatever it holds', async () => {
    env = await apiTestEnv();
    const init = authed(env.acme, 'POST', { tube: BASIC });
    for (const type of ['text/plain', 'application/x-www-form-urlencoded']) {
      const response = await env.app.request('/v1/jobs', {
        ...init,
        headers: { ...(init.headers as object), 'content-type': type },
      });
      expect(response.status).toBe(415);
      expect(((await response.json()) as any).error.code).toBe('unsupported_media_type');
    }
    const charset = await env.app.request('/v1/jobs', {
      ...init,
      headers: { ...(init.headers as object), 'content-type': 'application/json; charset=utf-8' },
    });
    expect(charset.status).toBe(202);
  });

  it('error: a method a path does not take is 405 with Allow, not 404 (TRACE over real HTTP)', async () => {
    const served = await servedApiTestEnv();
    env = served;
    const trace = await rawRequest(`${served.url}/v1/jobs`, 'TRACE', served.acme);
    expect(trace.status).toBe(405);
    expect(trace.allow).toBe('GET, POST, HEAD');
    for (const method of ['PUT', 'PATCH']) {
      const response = await env.app.request('/v1/jobs', authed(env.acme, method));
      expect(response.status, method).toBe(405);
      expect(response.headers.get('allow')).toBe('GET, POST, HEAD');
    }
    const job = await env.app.request('/v1/jobs/some-id', authed(env.acme, 'PUT'));
    expect(job.status).toBe(405);
    expect(job.headers.get('allow')).toBe('GET, DELETE, HEAD');
    expect((await env.app.request('/v1/nothing', authed(env.acme))).status).toBe(404);
  });

  it('error: an idempotency key with a lone surrogate is refused (it would collide with another)', async () => {
    env = await apiTestEnv();
    const response = await env.app.request(
      '/v1/jobs',
      authed(env.acme, 'POST', { tube: BASIC, idempotencyKey: 'key-\uD800' }),
    );
    expect(response.status).toBe(400);
    expect(((await response.json()) as any).error.details).toEqual([
      { field: 'idempotencyKey', message: 'contains a lone surrogate (not Unicode text)' },
    ]);
  });

  it('behavior: an empty after lists the first page of jobs', async () => {
    env = await apiTestEnv();
    await env.app.request('/v1/jobs', authed(env.acme, 'POST', { tube: BASIC }));
    const response = await env.app.request('/v1/jobs?after=', authed(env.acme));
    expect(response.status).toBe(200);
    expect(((await response.json()) as any).jobs).toHaveLength(1);
  });

  it('behavior: an empty after or Last-Event-ID streams from the start', async () => {
    env = await apiTestEnv();
    const { id } = (await (
      await env.app.request('/v1/jobs', authed(env.acme, 'POST', { tube: BASIC }))
    ).json()) as { id: string };
    await env.queue.cancelJob('acme', id);
    for (const [path, headers] of [
      [`/v1/jobs/${id}/events?after=`, {}],
      [`/v1/jobs/${id}/events`, { 'last-event-id': '' }],
    ] as const) {
      const init = authed(env.acme);
      const response = await env.app.request(path, {
        ...init,
        headers: { ...(init.headers as object), ...headers },
      });
      expect(response.status).toBe(200);
      const text = await response.text();
      expect(text).toMatch(/^event: job\.cancelled$/m);
      expect(text).toMatch(/^event: done$/m);
    }
  });

  it('error: a tube nested too deeply or with too many nodes is a 400 naming the limit', async () => {
    env = await apiTestEnv({ maxBodyBytes: 4 * 1024 * 1024 });
    const nested = `noob_id: deep\nnodes: ${'['.repeat(500_000)}${']'.repeat(500_000)}\n`;
    const deep = await env.app.request('/v1/jobs', authed(env.acme, 'POST', { tube: nested }));
    expect(deep.status).toBe(400);
    expect(((await deep.json()) as any).error).toMatchObject({
      code: 'invalid_tube',
      message: expect.stringContaining('lists and maps nest deeper than 64 levels'),
    });
    let wide = 'noob_id: wide\nnodes:\n';
    for (let i = 0; i <= 1_000; i++) wide += `  n${i}:\n    type: noob.testing.count_source\n`;
    const many = await env.app.request('/v1/jobs', authed(env.acme, 'POST', { tube: wide }));
    expect(many.status).toBe(400);
    expect(((await many.json()) as any).error.message).toMatch(
      /1001 nodes, over the limit of 1000/,
    );
  });
});
