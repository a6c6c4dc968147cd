import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type ApiTestEnv, apiTestEnv, authed, BASIC_TUBE, OWN } from './test-env.ts';

const BASIC = readFileSync(BASIC_TUBE, 'utf8');
const INPUT = readFileSync(join(OWN, 'input', 'input_tube_params.yaml'), 'utf8');

let env: ApiTestEnv;
afterEach(async () => {
  await env?.close();
});

async function submit(key: string, body: unknown): Promise<Response> {
  return env.app.request('/v1/jobs', authed(key, 'POST', body));
}

async function submitted(key: string, body: unknown): Promise<string> {
  const response = await submit(key, body);
  expect(response.status).toBe(202);
  return ((await response.json()) as { id: string }).id;
}

const json = async (response: Response) => (await response.json()) as any;

describe('job API', () => {
  it('default: a tube submitted as YAML is stored and reads back as queued', async () => {
    env = await apiTestEnv();
    const response = await submit(env.acme, { tube: BASIC, epochs: 5 });
    expect(response.status).toBe(202);
    const { id } = await json(response);
    expect(response.headers.get('location')).toBe(`/v1/jobs/${id}`);
    const job = await json(await env.app.request(`/v1/jobs/${id}`, authed(env.acme)));
    expect(job).toMatchObject({
      id,
      state: 'queued',
      priority: 'NORMAL',
      progress: { total: 0, done: 0, failed: 0, cancelled: 0 },
      results: null,
      error: null,
      finishedAt: null,
    });
    const stored = await env.queue.getJob('acme', id);
    expect(stored).toMatchObject({ kind: 'tube', sealed: false });
    // Its text is a registered tube's verbatim: the job also says which one.
    expect(stored.payload).toEqual({
      tube: BASIC,
      noobId: 'testing-basic',
      tubeCid: expect.stringMatching(/^b/),
      registered: { id: 'testing-basic', path: BASIC_TUBE },
      inputs: {},
      epochs: 5,
      tags: [],
      timeoutMs: 24 * 60 * 60 * 1000, // the server's maximum, the default
    });
  });

  it('behavior: a registered tube is found by noob_id and its YAML is stored', async () => {
    env = await apiTestEnv();
    const id = await submitted(env.acme, {
      tube: 'own-input-tube-params',
      inputs: { start: 7 },
      epochs: 3,
      priority: 'HIGH',
      tags: ['cpu'],
    });
    const stored = await env.queue.getJob('acme', id);
    expect(stored.priority).toBe('HIGH');
    expect(stored.payload).toEqual({
      tube: INPUT,
      noobId: 'own-input-tube-params',
      tubeCid: expect.stringMatching(/^b/),
      registered: {
        id: 'own-input-tube-params',
        path: join(OWN, 'input', 'input_tube_params.yaml'),
      },
      inputs: { start: 7 },
      epochs: 3,
      tags: ['cpu'],
      timeoutMs: 24 * 60 * 60 * 1000,
    });
  });

  it('behavior: the results recorded by the coordinator come back once succeeded', async () => {
    env = await apiTestEnv();
    const id = await submitted(env.acme, { tube: BASIC, epochs: 5 });
    await env.queue.setJobOutcome('acme', id, { results: [0, 2, 4, 6, 8] });
    const job = await json(await env.app.request(`/v1/jobs/${id}`, authed(env.acme)));
    expect(job).toMatchObject({ state: 'succeeded', results: [0, 2, 4, 6, 8], error: null });
    expect(typeof job.finishedAt).toBe('string');
  });

  it('behavior: a job whose tasks are done is running until its results are recorded', async () => {
    env = await apiTestEnv();
    const id = await submitted(env.acme, { tube: BASIC });
    await env.queue.addTasks('acme', id, [{ cid: 'c1' }]);
    const [task] = await env.queue.claim({ workerId: 'w1' });
    await env.queue.complete('w1', task!.id, {});
    await env.queue.sealJob('acme', id);
    const job = await json(await env.app.request(`/v1/jobs/${id}`, authed(env.acme)));
    expect(job).toMatchObject({ state: 'running', results: null, progress: { total: 1, done: 1 } });
  });

  it('behavior: a run that failed reads as failed with its error', async () => {
    env = await apiTestEnv();
    const id = await submitted(env.acme, { tube: BASIC });
    const error = { code: 'NodeRunError', message: 'node b failed in epoch 0: boom' };
    await env.queue.setJobOutcome('acme', id, { error });
    const job = await json(await env.app.request(`/v1/jobs/${id}`, authed(env.acme)));
    expect(job).toMatchObject({ state: 'failed', results: null, error });
  });

  it('behavior: the same idempotency key gives the same job (body field or header)', async () => {
    env = await apiTestEnv();
    const body = { tube: BASIC, epochs: 2, idempotencyKey: 'run-1' };
    const first = await submitted(env.acme, body);
    expect(await submitted(env.acme, body)).toBe(first);
    const viaHeader = (key: string) =>
      env.app.request('/v1/jobs', {
        ...authed(env.acme, 'POST', { tube: BASIC }),
        headers: {
          authorization: `Bearer ${env.acme}`,
          'content-type': 'application/json',
          'idempotency-key': key,
        },
      });
    const a = await json(await viaHeader('hdr'));
    const b = await json(await viaHeader('hdr'));
    expect(a.id).toBe(b.id);
    expect(a.id).not.toBe(first);
    // Keys are per tenant: another tenant's same key is another job.
    expect(await submitted(env.globex, body)).not.toBe(first);
  });

  it('behavior: DELETE cancels a job, and cancelling again answers the same', async () => {
    env = await apiTestEnv();
    const id = await submitted(env.acme, { tube: BASIC });
    await env.queue.addTasks('acme', id, [{ cid: 'c1' }, { cid: 'c2' }]);
    const first = await env.app.request(`/v1/jobs/${id}`, authed(env.acme, 'DELETE'));
    expect(first.status).toBe(200);
    expect(await json(first)).toMatchObject({ id, state: 'cancelled', progress: { cancelled: 2 } });
    const again = await env.app.request(`/v1/jobs/${id}`, authed(env.acme, 'DELETE'));
    expect(again.status).toBe(200);
    expect((await json(again)).state).toBe('cancelled');
    expect(await env.queue.claim({ workerId: 'w' })).toEqual([]);
  });

  it('behavior: GET /v1/workers lists the workers the queue knows', async () => {
    env = await apiTestEnv();
    await env.queue.registerWorker('w-gpu', ['gpu', 'region:eu']);
    const response = await env.app.request('/v1/workers', authed(env.acme));
    expect(response.status).toBe(200);
    const { workers } = await json(response);
    expect(workers).toEqual([
      {
        id: 'w-gpu',
        tags: ['gpu', 'region:eu'],
        startedAt: expect.any(String),
        lastSeenAt: expect.any(String),
        leased: 0,
        alive: true,
      },
    ]);
  });

  it('behavior: GET /healthz answers without a key and checks the database', async () => {
    env = await apiTestEnv();
    const response = await env.app.request('/healthz');
    expect(response.status).toBe(200);
    expect(await json(response)).toEqual({ ok: true, database: 'embedded' });
  });

  it("behavior: tenants never see each other's jobs", async () => {
    env = await apiTestEnv();
    const id = await submitted(env.acme, { tube: BASIC });
    for (const [method, path] of [
      ['GET', `/v1/jobs/${id}`],
      ['DELETE', `/v1/jobs/${id}`],
      ['GET', `/v1/jobs/${id}/events`],
    ] as const) {
      const response = await env.app.request(path, authed(env.globex, method));
      expect(response.status, `${method} ${path}`).toBe(404);
      expect((await json(response)).error.code).toBe('job_not_found');
    }
    expect((await env.queue.getJob('acme', id)).state).toBe('queued');
  });

  it('error: without a valid API key every /v1 route is 401', async () => {
    env = await apiTestEnv();
    const revoked = await env.keys.create('acme');
    await env.keys.revoke(revoked.key);
    const cases: Array<[string, Record<string, string>]> = [
      ['none', {}],
      ['not bearer', { authorization: `Basic ${env.acme}` }],
      ['unknown', { authorization: 'Bearer noob_0123456789abcdef_nope' }],
      ['wrong secret', { authorization: `Bearer ${env.acme.slice(0, -2)}xx` }],
      ['revoked', { authorization: `Bearer ${revoked.key}` }],
    ];
    for (const [what, headers] of cases) {
      for (const [method, path] of [
        ['POST', '/v1/jobs'],
        ['GET', '/v1/jobs/x'],
        ['DELETE', '/v1/jobs/x'],
        ['GET', '/v1/jobs/x/events'],
        ['GET', '/v1/workers'],
      ]) {
        const response = await env.app.request(path!, {
          method,
          headers,
          ...(method === 'POST' ? { body: JSON.stringify({ tube: BASIC }) } : {}),
        });
        expect(response.status, `${what}: ${method} ${path}`).toBe(401);
        expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
        expect((await json(response)).error.code).toBe('unauthorized');
      }
    }
  });

  it('error: a bad field is a 400 that names it', async () => {
    env = await apiTestEnv();
    const cases: Array<[unknown, string]> = [
      [{}, 'tube'],
      [{ tube: '' }, 'tube'],
      [{ tube: BASIC, epochs: 0 }, 'epochs'],
      [{ tube: BASIC, epochs: 1.5 }, 'epochs'],
      [{ tube: BASIC, epochs: '5' }, 'epochs'],
      [{ tube: BASIC, priority: 'URGENT' }, 'priority'],
      [{ tube: BASIC, tags: ['gpu', ''] }, 'tags.1'],
      [{ tube: BASIC, inputs: [1] }, 'inputs'],
      [{ tube: BASIC, idempotencyKey: '' }, 'idempotencyKey'],
      [{ tube: BASIC, epoch: 5 }, 'epoch'],
      [[BASIC], '(body)'],
    ];
    for (const [body, field] of cases) {
      const response = await submit(env.acme, body);
      expect(response.status, JSON.stringify(body).slice(0, 60)).toBe(400);
      const { error } = await json(response);
      expect(error.code).toBe('invalid_request');
      expect(error.details.map((d: { field: string }) => d.field)).toContain(field);
      expect(error.message).toContain(field);
    }
    expect((await env.queue.stats()).jobs.queued).toBe(0);
  });

  it('error: malformed JSON is a 400, not a 500', async () => {
    env = await apiTestEnv();
    for (const body of ['{"tube":', 'not json', '']) {
      const response = await submit(env.acme, body);
      expect(response.status).toBe(400);
      expect((await json(response)).error.code).toBe('invalid_json');
    }
  });

  it('error: an invalid tube is a 400 listing its problems with the node id', async () => {
    env = await apiTestEnv();
    const tube = [
      'noob_id: broken',
      'nodes:',
      '  a:',
      '    type: noob.testing.count_source',
      '  b:',
      '    type: noob.testing.no_such_node',
      '    depends:',
      '      - left: a.index',
      '',
    ].join('\n');
    const response = await submit(env.acme, { tube });
    expect(response.status).toBe(400);
    const { error } = await json(response);
    expect(error.code).toBe('invalid_tube');
    expect(error.message).toMatch(/no_such_node/);
    expect(error.details).toEqual([
      expect.objectContaining({ nodeId: 'b', path: 'nodes.b.type', line: 6 }),
    ]);
    expect(error.details[0].message).toMatch(/node b: unknown node type/);
    expect((await env.queue.stats()).jobs.queued).toBe(0);
  });

  // Eight levels of anchors, each repeating the last ten times: 10^8 nodes once expanded.
  const ALIAS_BOMB = [
    'a0: &a0 [x, x, x, x, x, x, x, x, x, x]',
    ...Array.from(
      { length: 8 },
      (_, i) => `a${i + 1}: &a${i + 1} [${Array(10).fill(`*a${i}`).join(', ')}]`,
    ),
    'nodes: {}',
  ].join('\n');

  it('error: malformed YAML, a cycle, an unknown noob_id or bad inputs are 400 invalid_tube', async () => {
    env = await apiTestEnv();
    const cases: Array<[unknown, RegExp]> = [
      [{ tube: 'nodes: {a: [' }, /./],
      [{ tube: ALIAS_BOMB }, /alias/i],
      [{ tube: 'own-cycle' }, /cycle/],
      [{ tube: 'no-such-tube' }, /no registered tube with noob_id "no-such-tube"/],
      [{ tube: INPUT }, /missing required input start/],
      [{ tube: INPUT, inputs: { start: 'seven' } }, /expected an integer/],
      [{ tube: INPUT, inputs: { start: 1, extra: 2 } }, /input extra is not declared/],
    ];
    for (const [body, pattern] of cases) {
      const response = await submit(env.acme, body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      const { error } = await json(response);
      expect(error.code).toBe('invalid_tube');
      expect(error.details.length).toBeGreaterThan(0);
      expect(error.details.map((d: { message: string }) => d.message).join('\n')).toMatch(pattern);
    }
  });

  it('error: the same idempotency key with another request is a 409', async () => {
    env = await apiTestEnv();
    const id = await submitted(env.acme, { tube: BASIC, epochs: 2, idempotencyKey: 'k' });
    const response = await submit(env.acme, { tube: BASIC, epochs: 3, idempotencyKey: 'k' });
    expect(response.status).toBe(409);
    const { error } = await json(response);
    expect(error).toMatchObject({ code: 'idempotency_conflict', details: { jobId: id } });
  });

  it('error: a body over the limit is a 413', async () => {
    env = await apiTestEnv({ maxBodyBytes: 1024 });
    const response = await submit(env.acme, { tube: `${BASIC}\n#${'x'.repeat(2000)}` });
    expect(response.status).toBe(413);
    expect((await json(response)).error).toMatchObject({
      code: 'payload_too_large',
      details: { maxBytes: 1024 },
    });
  });

  it('error: an unknown job is a 404, and so is an unknown route', async () => {
    env = await apiTestEnv();
    for (const [method, path] of [
      ['GET', '/v1/jobs/00000000-0000-0000-0000-000000000000'],
      ['DELETE', '/v1/jobs/nope'],
      ['GET', '/v1/jobs/nope/events'],
    ]) {
      const response = await env.app.request(path!, authed(env.acme, method));
      expect(response.status, `${method} ${path}`).toBe(404);
      expect((await json(response)).error.code).toBe('job_not_found');
    }
    const route = await env.app.request('/v2/nothing');
    expect(route.status).toBe(404);
    expect((await json(route)).error.code).toBe('not_found');
  });

  it('error: cancelling a job that already succeeded is a 409', async () => {
    env = await apiTestEnv();
    const id = await submitted(env.acme, { tube: BASIC });
    await env.queue.setJobOutcome('acme', id, { results: [] });
    const response = await env.app.request(`/v1/jobs/${id}`, authed(env.acme, 'DELETE'));
    expect(response.status).toBe(409);
    expect((await json(response)).error).toMatchObject({
      code: 'job_finished',
      details: { state: 'succeeded' },
    });
  });

  it('error: a bad Last-Event-ID is a 400', async () => {
    env = await apiTestEnv();
    const id = await submitted(env.acme, { tube: BASIC });
    const response = await env.app.request(`/v1/jobs/${id}/events`, {
      headers: { authorization: `Bearer ${env.acme}`, 'last-event-id': 'abc' },
    });
    expect(response.status).toBe(400);
    expect((await json(response)).error.details[0].field).toBe('Last-Event-ID');
  });

  it('error: a failing database is a 500 that leaks nothing, and healthz says 503', async () => {
    const logged: unknown[] = [];
    env = await apiTestEnv({ log: (_message, error) => logged.push(error) });
    const id = await submitted(env.acme, { tube: BASIC });
    const { acme } = env;
    await env.queue.close();
    const response = await env.app.request(`/v1/jobs/${id}`, authed(acme));
    expect(response.status).toBe(500);
    const { error } = await json(response);
    expect(error.code).toBe('internal');
    expect(error.message).not.toMatch(/libsql|sqlite|database/i);
    expect(logged).toHaveLength(1);
    expect((await env.app.request('/healthz')).status).toBe(503);
  });
});
