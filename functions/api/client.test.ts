import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createNoobClient, type JobStreamMessage, type NoobClient } from './client.ts';
import { ApiError, JobWaitTimeoutError } from './client-errors.ts';
import { type ApiServer, startApiServer } from './serve.ts';
import { type ApiTestEnv, BASIC_TUBE, servedApiTestEnv, startPlatform } from './test-env.ts';

const BASIC = readFileSync(BASIC_TUBE, 'utf8');

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A served API over a fresh queue, and clients for tenants acme and globex. */
async function setUp(): Promise<{
  env: ApiTestEnv;
  server: ApiServer;
  acme: NoobClient;
  globex: NoobClient;
}> {
  const env = await servedApiTestEnv();
  cleanups.push(() => env.close());
  return {
    env,
    server: env.server,
    acme: createNoobClient({ baseUrl: env.url, apiKey: env.acme }),
    globex: createNoobClient({ baseUrl: `${env.url}/`, apiKey: env.globex }),
  };
}

/** The platform's moving parts on the same queue: a worker pulling tasks and the coordinator. */
async function runPlatform(env: ApiTestEnv): Promise<void> {
  cleanups.push(await startPlatform(env.queue));
}

async function collect(stream: AsyncGenerator<JobStreamMessage>): Promise<JobStreamMessage[]> {
  const messages: JobStreamMessage[] = [];
  for await (const message of stream) {
    messages.push(message);
    if (messages.length > 500) break;
  }
  return messages;
}

describe('createNoobClient (real HTTP)', () => {
  it('default: submit, wait and read the results of a tube run through workers', async () => {
    const { env, acme } = await setUp();
    await runPlatform(env);
    const { id } = await acme.submitJob({ tube: BASIC, epochs: 5 });
    const job = await acme.waitForJob(id, { intervalMs: 10 });
    expect(job).toMatchObject({ id, state: 'succeeded', results: [0, 2, 4, 6, 8], error: null });
    expect(job.progress.done).toBe(5);
  });

  it('behavior: events() yields the job events, then done with the results', async () => {
    const { env, acme } = await setUp();
    const { id } = await acme.submitJob({ tube: 'testing-basic', epochs: 3 });
    const stream = collect(acme.events(id));
    await runPlatform(env);
    const messages = await stream;
    const last = messages.at(-1)!;
    expect(last).toMatchObject({ type: 'done', job: { state: 'succeeded', results: [0, 2, 4] } });
    const events = messages.flatMap((m) => (m.type === 'event' ? [m.event] : []));
    expect(events[0]).toMatchObject({ type: 'job.queued', jobId: id });
    const succeeded = events.filter((e) => e.type === 'tasks.succeeded');
    expect(succeeded.reduce((n, e) => n + Number(e.data.count), 0)).toBeGreaterThanOrEqual(3);
    // Resuming after the first event gives the rest, in order.
    const resumed = await collect(acme.events(id, { lastEventId: events[0]!.id }));
    expect(resumed.flatMap((m) => (m.type === 'event' ? [m.event.id] : []))).toEqual(
      events.slice(1).map((e) => e.id),
    );
  });

  it('behavior: events() resumes after the server restarts, without repeats', async () => {
    const { env, server, acme } = await setUp();
    const { id } = await acme.submitJob({ tube: BASIC, epochs: 2 });
    const seen: JobStreamMessage[] = [];
    const stream = acme.events(id, { reconnectMs: 10, maxReconnects: 1000 });
    const first = await stream.next();
    seen.push(first.value as JobStreamMessage);
    await server.close();
    const rest = (async () => {
      for await (const message of stream) seen.push(message);
    })();
    // The same port again, as a restarted server would be.
    const port = Number(new URL(server.url).port);
    const again = await startApiServer({ queue: env.queue, keys: env.keys, port, eventPollMs: 5 });
    cleanups.push(() => again.close());
    await runPlatform(env);
    await rest;
    expect(seen.at(-1)).toMatchObject({
      type: 'done',
      job: { state: 'succeeded', results: [0, 2] },
    });
    const ids = seen.flatMap((m) => (m.type === 'event' ? [m.event.id] : []));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
  });

  it('behavior: cancelJob and listWorkers', async () => {
    const { env, acme } = await setUp();
    const { id } = await acme.submitJob({ tube: BASIC, idempotencyKey: 'c1' });
    expect((await acme.submitJob({ tube: BASIC, idempotencyKey: 'c1' })).id).toBe(id);
    expect((await acme.cancelJob(id)).state).toBe('cancelled');
    expect((await acme.waitForJob(id)).state).toBe('cancelled');
    await env.queue.registerWorker('w-1', ['cpu']);
    expect(await acme.listWorkers()).toEqual([
      expect.objectContaining({ id: 'w-1', tags: ['cpu'] }),
    ]);
  });

  it('behavior: a failing tube run ends failed with the node named', async () => {
    const { env, acme } = await setUp();
    await runPlatform(env);
    // One attempt: the first failure (epoch 0's) ends the run.
    const { id } = await acme.submitJob({
      tube: 'own-error',
      epochs: 2,
      retry: { attempts: 1 },
    });
    const job = await acme.waitForJob(id, { intervalMs: 10 });
    expect(job.state).toBe('failed');
    expect(job.error).toMatchObject({ code: 'NodeRunError' });
    expect(job.error!.message).toMatch(/node b failed in epoch 0/);
  });

  it('error: API errors are ApiError with status, code and details', async () => {
    const { acme, globex, server } = await setUp();
    const invalid = await acme
      .submitJob({ tube: 'noob_id: x\nnodes:\n  a:\n    type: nope.nope\n' })
      .catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(ApiError);
    expect(invalid).toMatchObject({ name: 'ApiError', status: 400, code: 'invalid_tube' });
    expect((invalid as ApiError).details).toEqual([expect.objectContaining({ nodeId: 'a' })]);

    const { id } = await acme.submitJob({ tube: BASIC });
    await expect(globex.getJob(id)).rejects.toMatchObject({ status: 404, code: 'job_not_found' });
    await expect(globex.cancelJob(id)).rejects.toMatchObject({ status: 404 });
    await expect(collect(globex.events(id))).rejects.toMatchObject({ status: 404 });
    await expect(acme.submitJob({ tube: BASIC, epochs: -1 })).rejects.toMatchObject({
      status: 400,
      code: 'invalid_request',
      details: [expect.objectContaining({ field: 'epochs' })],
    });
    const anonymous = createNoobClient({ baseUrl: server.url, apiKey: 'wrong' });
    await expect(anonymous.listWorkers()).rejects.toMatchObject({
      status: 401,
      code: 'unauthorized',
    });
  });

  it('error: waitForJob gives up after timeoutMs with JobWaitTimeoutError', async () => {
    const { acme } = await setUp();
    const { id } = await acme.submitJob({ tube: BASIC });
    const error = await acme.waitForJob(id, { intervalMs: 5, timeoutMs: 20 }).catch((e) => e);
    expect(error).toBeInstanceOf(JobWaitTimeoutError);
    expect(error).toMatchObject({ name: 'JobWaitTimeoutError', jobId: id });
  });

  it('error: an answer that is not the API shape is still an ApiError', async () => {
    const client = createNoobClient({
      baseUrl: 'http://127.0.0.1:1',
      apiKey: 'k',
      fetch: async () =>
        new Response('<html>bad gateway</html>', { status: 502, statusText: 'Bad Gateway' }),
    });
    await expect(client.getJob('x')).rejects.toMatchObject({
      name: 'ApiError',
      status: 502,
      code: 'http_error',
    });
  });
});
