import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createNoobClient } from './client.ts';
import { decodeJobCursor, encodeJobCursor } from './job-list.ts';
import { authed, BASIC_TUBE, type ServedApiTestEnv, servedApiTestEnv } from './test-env.ts';

const BASIC = readFileSync(BASIC_TUBE, 'utf8');

let env: ServedApiTestEnv;
afterEach(async () => {
  await env?.close();
});

/** A fresh queue behind a real HTTP server on 127.0.0.1. */
async function serve(): Promise<void> {
  env = await servedApiTestEnv();
}

async function get(key: string, path: string): Promise<Response> {
  return fetch(`${env.url}${path}`, authed(key));
}

const json = async (response: Response) => (await response.json()) as any;

async function submit(key: string, epochs = 1): Promise<string> {
  const response = await fetch(`${env.url}/v1/jobs`, authed(key, 'POST', { tube: BASIC, epochs }));
  expect(response.status).toBe(202);
  return (await json(response)).id;
}

/** Every job id of a walk through the pages of `query`, page by page. */
async function walk(key: string, query: string): Promise<string[][]> {
  const pages: string[][] = [];
  let after: string | null = null;
  do {
    const sep = query ? '&' : '';
    const response = await get(
      key,
      `/v1/jobs?${query}${after ? `${sep}after=${encodeURIComponent(after)}` : ''}`,
    );
    expect(response.status).toBe(200);
    const page = await json(response);
    pages.push(page.jobs.map((job: { id: string }) => job.id));
    after = page.next;
  } while (after);
  return pages;
}

describe('GET /v1/jobs', () => {
  it('default: the tenant’s jobs newest first, each as GET /v1/jobs/:id without results', async () => {
    await serve();
    const ids = [await submit(env.acme, 1), await submit(env.acme, 2), await submit(env.acme, 3)];
    await env.queue.setJobOutcome('acme', ids[1]!, { results: [0, 2] });
    const response = await get(env.acme, '/v1/jobs');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const page = await json(response);
    expect(page.next).toBeNull();
    expect(page.jobs.map((job: { id: string }) => job.id)).toEqual([...ids].reverse());
    for (const item of page.jobs) {
      // `waiting` is said by GET /v1/jobs/:id only (it costs a look per job).
      const { results, waiting, ...status } = await json(
        await get(env.acme, `/v1/jobs/${item.id}`),
      );
      expect(item).toEqual(status);
      expect(item).not.toHaveProperty('results');
    }
    expect(page.jobs[1]).toMatchObject({ state: 'succeeded', error: null });
  });

  it('behavior: a tenant sees only its own jobs', async () => {
    await serve();
    const acme = [await submit(env.acme), await submit(env.acme)];
    const globex = await submit(env.globex);
    const ids = async (key: string) =>
      (await json(await get(key, '/v1/jobs'))).jobs.map((job: { id: string }) => job.id);
    expect((await ids(env.acme)).sort()).toEqual([...acme].sort());
    expect(await ids(env.globex)).toEqual([globex]);
    const other = await env.keys.create('initech');
    expect(await json(await get(other.key, '/v1/jobs'))).toEqual({ jobs: [], next: null });
  });

  it('behavior: ?state= keeps the jobs the API shows in that state', async () => {
    await serve();
    const queued = await submit(env.acme);
    const cancelled = await submit(env.acme);
    await fetch(`${env.url}/v1/jobs/${cancelled}`, authed(env.acme, 'DELETE'));
    const succeeded = await submit(env.acme);
    await env.queue.setJobOutcome('acme', succeeded, { results: [0] });
    const failedRun = await submit(env.acme);
    await env.queue.setJobOutcome('acme', failedRun, {
      error: { code: 'NodeRunError', message: 'node b failed in epoch 0: boom' },
    });
    // Every task done but no results recorded yet: the API shows it running.
    const running = await submit(env.acme);
    await env.queue.addTasks('acme', running, [{ cid: 'r1' }]);
    const [task] = await env.queue.claim({ workerId: 'w1' });
    await env.queue.complete('w1', task!.id, {});
    await env.queue.sealJob('acme', running);
    // A dead-lettered task fails the job before any outcome: the list names the task.
    const deadTask = await submit(env.acme);
    await env.queue.addTasks('acme', deadTask, [{ cid: 'd1', maxAttempts: 1 }]);
    const [doomed] = await env.queue.claim({ workerId: 'w1' });
    await env.queue.fail('w1', doomed!.id, new Error('disk full'));
    await env.queue.sealJob('acme', deadTask);

    const expected: Record<string, string[]> = {
      queued: [queued],
      running: [running],
      succeeded: [succeeded],
      failed: [deadTask, failedRun],
      cancelled: [cancelled],
    };
    for (const [state, ids] of Object.entries(expected)) {
      const page = await json(await get(env.acme, `/v1/jobs?state=${state}`));
      expect(
        page.jobs.map((job: { id: string }) => job.id),
        state,
      ).toEqual(ids);
      for (const job of page.jobs) {
        expect(job.state).toBe(state);
        const {
          results: _,
          waiting: __,
          ...status
        } = await json(await get(env.acme, `/v1/jobs/${job.id}`));
        expect(job).toEqual(status);
      }
    }
    const failed = await json(await get(env.acme, '/v1/jobs?state=failed'));
    expect(failed.jobs[0].error).toMatchObject({ message: 'disk full', details: { cid: 'd1' } });
    expect(failed.jobs[1].error).toEqual({
      code: 'NodeRunError',
      message: 'node b failed in epoch 0: boom',
    });
  });

  it('behavior: walking the cursor meets every job exactly once, newest first', async () => {
    await serve();
    const ids: string[] = [];
    for (let i = 0; i < 11; i++) ids.push(await submit(env.acme));
    await submit(env.globex);
    const all = (await json(await get(env.acme, '/v1/jobs?limit=200'))).jobs.map(
      (job: { id: string }) => job.id,
    );
    expect(all.sort()).toEqual([...ids].sort());
    const pages = await walk(env.acme, 'limit=3');
    expect(pages.map((page) => page.length)).toEqual([3, 3, 3, 2]);
    expect(pages.flat()).toEqual(
      (await json(await get(env.acme, '/v1/jobs'))).jobs.map((job: { id: string }) => job.id),
    );
    // Jobs submitted during a walk are newer than its cursor: the walk neither repeats nor
    // skips the jobs it started with.
    const first = await json(await get(env.acme, '/v1/jobs?limit=4'));
    await submit(env.acme);
    await submit(env.acme);
    const rest = await json(
      await get(env.acme, `/v1/jobs?limit=200&after=${encodeURIComponent(first.next)}`),
    );
    expect([...first.jobs, ...rest.jobs].map((job: { id: string }) => job.id)).toEqual(
      pages.flat(),
    );
    expect(rest.next).toBeNull();
    // Filter and cursor together.
    await env.queue.cancelJob('acme', ids[2]!);
    await env.queue.cancelJob('acme', ids[5]!);
    await env.queue.cancelJob('acme', ids[9]!);
    expect(await walk(env.acme, 'state=cancelled&limit=1')).toEqual([[ids[9]], [ids[5]], [ids[2]]]);
  });

  it('behavior: the client lists jobs and follows next', async () => {
    await serve();
    const ids = [await submit(env.acme), await submit(env.acme), await submit(env.acme)];
    const client = createNoobClient({ baseUrl: env.url, apiKey: env.acme });
    const one = await client.listJobs({ limit: 2 });
    expect(one.jobs.map((job) => job.id)).toEqual([ids[2], ids[1]]);
    const two = await client.listJobs({ limit: 2, after: one.next! });
    expect(two).toMatchObject({ jobs: [{ id: ids[0], state: 'queued' }], next: null });
    expect((await client.listJobs({ state: 'succeeded' })).jobs).toEqual([]);
    await expect(client.listJobs({ limit: 0 })).rejects.toMatchObject({
      status: 400,
      code: 'invalid_request',
    });
  });

  it('error: a bad query parameter is a 400 that names it', async () => {
    await serve();
    const notACursor = Buffer.from('yesterday').toString('base64url');
    const cases: Array<[string, string]> = [
      ['limit=0', 'limit'],
      ['limit=201', 'limit'],
      ['limit=ten', 'limit'],
      ['limit=', 'limit'],
      ['limit=2.5', 'limit'],
      ['state=done', 'state'],
      ['state=queued&state=running', 'state'],
      ['after=%3F%3F', 'after'],
      [`after=${notACursor}`, 'after'],
      ['status=queued', 'status'],
    ];
    for (const [query, field] of cases) {
      const response = await get(env.acme, `/v1/jobs?${query}`);
      expect(response.status, query).toBe(400);
      const { error } = await json(response);
      expect(error.code, query).toBe('invalid_request');
      expect(
        error.details.map((d: { field: string }) => d.field),
        query,
      ).toEqual([field]);
      expect(error.message, query).toContain(field);
    }
  });

  it('error: without a valid API key it is 401', async () => {
    await serve();
    const cases: Record<string, string>[] = [
      {},
      { authorization: 'Bearer noob_0123456789abcdef_nope' },
    ];
    for (const headers of cases) {
      const response = await fetch(`${env.url}/v1/jobs`, { headers });
      expect(response.status).toBe(401);
      expect((await json(response)).error.code).toBe('unauthorized');
    }
  });
});

describe('job cursors', () => {
  it('default: a cursor reads back as it was written', () => {
    const cursor = { createdAt: 1_700_000_000_123, id: 'a:b/c' };
    expect(decodeJobCursor(encodeJobCursor(cursor))).toEqual(cursor);
  });

  it('error: text that is not a cursor is refused', () => {
    for (const text of ['', '??', Buffer.from('x:y').toString('base64url')]) {
      expect(decodeJobCursor(text), text).toBeUndefined();
    }
  });
});
