import { afterEach, describe, expect, it } from 'vitest';
import type { LogChunk } from '../../core/queue/task-logs.ts';
import { createNoobClient } from './client.ts';
import { type ApiTestEnv, apiTestEnv, authed, servedApiTestEnv } from './test-env.ts';

let env: ApiTestEnv | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

const line = (text: string, stream: LogChunk['stream'] = 'stdout'): LogChunk => ({
  stream,
  text,
  at: Date.now(),
});

/** A job of `count` tasks for acme (node `add`, epochs 0…), all claimed by worker `w1`. */
async function claimedJob(env: ApiTestEnv, count: number) {
  const tasks = Array.from({ length: count }, (_, i) => ({
    cid: `task-${i}`,
    nodeId: 'add',
    epoch: String(i),
    input: {},
  }));
  const { jobId } = await env.queue.submitJob({ tenant: 'acme', kind: 'tasks', tasks });
  const claimed = await env.queue.claim({ workerId: 'w1', max: count });
  return { jobId, ids: claimed.sort((a, b) => a.id - b.id).map((task) => task.id) };
}

async function logsOf(env: ApiTestEnv, key: string, jobId: string, query = '') {
  const response = await env.app.request(`/v1/jobs/${jobId}/logs${query}`, authed(key));
  return { status: response.status, body: (await response.json()) as any };
}

describe('GET /v1/jobs/:id/logs', () => {
  it('default: what each call printed, with task, node, epoch and stream, oldest first', async () => {
    env = await apiTestEnv();
    const { jobId, ids } = await claimedJob(env, 2);
    await env.queue.completeMany('w1', [
      { taskId: ids[0]!, result: 1, logs: [line('one\n'), line('oops\n', 'stderr')] },
    ]);
    await env.queue.fail('w1', ids[1]!, new Error('no'), {
      retryable: false,
      logs: [line('before failing\n')],
    });
    const { status, body } = await logsOf(env, env.acme, jobId);
    expect(status).toBe(200);
    expect(body.next).toBeNull();
    expect(body.logs).toEqual([
      expect.objectContaining({
        taskId: ids[0],
        node: 'add',
        epoch: '0',
        stream: 'stdout',
        text: 'one\n',
      }),
      expect.objectContaining({
        taskId: ids[0],
        node: 'add',
        epoch: '0',
        stream: 'stderr',
        text: 'oops\n',
      }),
      expect.objectContaining({
        taskId: ids[1],
        node: 'add',
        epoch: '1',
        text: 'before failing\n',
      }),
    ]);
    const entryIds = body.logs.map((entry: { id: number }) => entry.id);
    expect(entryIds).toEqual([...entryIds].sort((a, b) => a - b));
    expect(typeof body.logs[0].at).toBe('number');
  });

  it('behavior: pages with next and after, and reads on after the last id', async () => {
    env = await apiTestEnv();
    const { jobId, ids } = await claimedJob(env, 1);
    const printed = Array.from({ length: 5 }, (_, i) => line(`line ${i}\n`));
    await env.queue.completeMany('w1', [{ taskId: ids[0]!, result: null, logs: printed }]);
    const first = await logsOf(env, env.acme, jobId, '?limit=2');
    expect(first.body.logs.map((e: { text: string }) => e.text)).toEqual(['line 0\n', 'line 1\n']);
    expect(first.body.next).toBe(first.body.logs[1].id);
    const second = await logsOf(env, env.acme, jobId, `?limit=2&after=${first.body.next}`);
    const third = await logsOf(env, env.acme, jobId, `?limit=2&after=${second.body.next}`);
    expect(third.body.logs.map((e: { text: string }) => e.text)).toEqual(['line 4\n']);
    expect(third.body.next).toBeNull();
    const after = await logsOf(env, env.acme, jobId, `?after=${third.body.logs[0].id}`);
    expect(after.body).toEqual({ logs: [], next: null });
  });

  it('behavior: a report from a worker that lost the lease keeps no output', async () => {
    env = await apiTestEnv();
    const { jobId, ids } = await claimedJob(env, 1);
    await env.queue.completeMany('w2', [{ taskId: ids[0]!, result: 1, logs: [line('stray\n')] }]);
    expect((await logsOf(env, env.acme, jobId)).body.logs).toEqual([]);
  });

  it("error: another tenant's job is not found, nor an unknown one", async () => {
    env = await apiTestEnv();
    const { jobId, ids } = await claimedJob(env, 1);
    await env.queue.completeMany('w1', [{ taskId: ids[0]!, result: 1, logs: [line('secret\n')] }]);
    const other = await logsOf(env, env.globex, jobId);
    expect(other.status).toBe(404);
    expect(other.body.error.code).toBe('job_not_found');
    expect(JSON.stringify(other.body)).not.toContain('secret');
    expect((await logsOf(env, env.acme, 'no-such-job')).status).toBe(404);
  });

  it('error: a bad or unknown query parameter is a 400 naming it', async () => {
    env = await apiTestEnv();
    const { jobId } = await claimedJob(env, 1);
    for (const [query, field] of [
      ['?after=x', 'after'],
      ['?limit=0', 'limit'],
      ['?limit=1001', 'limit'],
      ['?since=3', 'since'],
      ['?after=1&after=2', 'after'],
    ]) {
      const { status, body } = await logsOf(env, env.acme, jobId, query);
      expect(status, query).toBe(400);
      expect(body.error.code).toBe('invalid_request');
      expect(body.error.details.map((p: { field: string }) => p.field).join(), query).toContain(
        field,
      );
    }
  });
});

describe('NoobClient.logs (real HTTP)', () => {
  it('default: reads pages of a job’s log entries', async () => {
    const served = await servedApiTestEnv();
    env = served;
    const { jobId, ids } = await claimedJob(served, 1);
    await served.queue.completeMany('w1', [
      { taskId: ids[0]!, result: 1, logs: [line('a\n'), line('b\n'), line('c\n')] },
    ]);
    const client = createNoobClient({ baseUrl: served.url, apiKey: served.acme });
    const page = await client.logs(jobId, { limit: 2 });
    expect(page.logs.map((entry) => entry.text)).toEqual(['a\n', 'b\n']);
    const rest = await client.logs(jobId, { after: page.next });
    expect(rest).toEqual({
      logs: [expect.objectContaining({ text: 'c\n', node: 'add' })],
      next: null,
    });
    const stranger = createNoobClient({ baseUrl: served.url, apiKey: served.globex });
    await expect(stranger.logs(jobId)).rejects.toMatchObject({
      status: 404,
      code: 'job_not_found',
    });
  });
});
