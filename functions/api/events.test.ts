import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { Queue } from '../../core/queue/queue.ts';
import { type ApiServer, startApiServer } from './serve.ts';
import { readSse, type SseMessage } from './sse.ts';
import { type ApiTestEnv, apiTestEnv, BASIC_TUBE } from './test-env.ts';

const BASIC = readFileSync(BASIC_TUBE, 'utf8');

let env: ApiTestEnv;
let server: ApiServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  await env?.close();
});

/** A server on a free loopback port over the env's queue. */
async function serve(): Promise<string> {
  server = await startApiServer({
    queue: env.queue,
    keys: env.keys,
    port: 0,
    eventPollMs: 5,
    // A client that aborted may leave its socket open for a while: do not wait for it.
    closeGraceMs: 200,
  });
  return server.url;
}

async function submit(url: string, key: string): Promise<string> {
  const response = await fetch(`${url}/v1/jobs`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ tube: BASIC, epochs: 2 }),
  });
  expect(response.status).toBe(202);
  return ((await response.json()) as { id: string }).id;
}

function open(url: string, key: string, id: string, headers: Record<string, string> = {}) {
  return fetch(`${url}/v1/jobs/${id}/events`, {
    headers: { authorization: `Bearer ${key}`, ...headers },
  });
}

/** Play the coordinator and a worker for a two-task run that succeeds. */
async function runJob(queue: Queue, id: string): Promise<void> {
  await queue.addTasks('acme', id, [{ cid: 'e0' }, { cid: 'e1' }]);
  const tasks = await queue.claim({ workerId: 'w1', max: 2 });
  for (const task of tasks) await queue.complete('w1', task.id, { epoch: task.cid });
  await queue.setJobOutcome('acme', id, { results: [0, 2] });
}

/** Read messages until `done` (bounded). */
async function untilDone(body: ReadableStream<Uint8Array>): Promise<SseMessage[]> {
  const messages: SseMessage[] = [];
  for await (const message of readSse(body)) {
    messages.push(message);
    if (message.event === 'done' || messages.length > 100) break;
  }
  return messages;
}

describe('GET /v1/jobs/:id/events (SSE over real HTTP)', () => {
  it('default: streams the events log as it grows and ends with done carrying the results', async () => {
    env = await apiTestEnv();
    const url = await serve();
    const id = await submit(url, env.acme);
    const response = await open(url, env.acme, id);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reading = untilDone(response.body!);
    await runJob(env.queue, id);
    const messages = await reading;
    const types = messages.map((m) => m.event);
    expect(types[0]).toBe('job.queued');
    expect(types).toEqual(
      expect.arrayContaining(['job.running', 'tasks.leased', 'tasks.succeeded']),
    );
    expect(types.slice(-3, -1)).toEqual(expect.arrayContaining(['job.outcome', 'job.succeeded']));
    expect(types.at(-1)).toBe('done');
    const done = JSON.parse(messages.at(-1)!.data);
    expect(done).toMatchObject({ id, state: 'succeeded', results: [0, 2] });
    const outcome = messages.find((m) => m.event === 'job.outcome')!;
    expect(JSON.parse(outcome.data)).toMatchObject({ jobId: id, data: { results: [0, 2] } });
    // Ids grow and are the queue's event ids.
    const ids = messages.filter((m) => m.event !== 'done').map((m) => Number(m.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('behavior: Last-Event-ID resumes after the last event seen, without repeats', async () => {
    env = await apiTestEnv();
    const url = await serve();
    const id = await submit(url, env.acme);
    await runJob(env.queue, id);
    const all = await untilDone((await open(url, env.acme, id)).body!);
    const events = all.filter((m) => m.event !== 'done');
    expect(events.length).toBeGreaterThan(3);
    const cut = events[2]!.id!;
    const resumed = await untilDone(
      (await open(url, env.acme, id, { 'last-event-id': cut })).body!,
    );
    expect(resumed.map((m) => m.id)).toEqual(all.slice(3).map((m) => m.id));
    expect(resumed.at(-1)!.event).toBe('done');
  });

  it('behavior: a cancelled job ends its stream with done in state cancelled', async () => {
    env = await apiTestEnv();
    const url = await serve();
    const id = await submit(url, env.acme);
    const reading = untilDone((await open(url, env.acme, id)).body!);
    await env.queue.cancelJob('acme', id);
    const messages = await reading;
    expect(messages.map((m) => m.event)).toContain('job.cancelled');
    expect(JSON.parse(messages.at(-1)!.data)).toMatchObject({ state: 'cancelled' });
  });

  it('behavior: closing the server ends an open stream', async () => {
    env = await apiTestEnv();
    const url = await serve();
    const id = await submit(url, env.acme);
    const response = await open(url, env.acme, id);
    const reading = untilDone(response.body!).catch(() => []);
    await server!.close();
    server = undefined;
    const messages = await reading;
    expect(messages.map((m) => m.event)).not.toContain('done');
  });

  it('behavior: a client that goes away stops its stream looking at the log', async () => {
    env = await apiTestEnv();
    let polls = 0;
    const events = env.queue.events.bind(env.queue);
    env.queue.events = (...args) => {
      polls++;
      return events(...args);
    };
    const url = await serve();
    const id = await submit(url, env.acme);
    const client = new AbortController();
    const response = await fetch(`${url}/v1/jobs/${id}/events`, {
      headers: { authorization: `Bearer ${env.acme}` },
      signal: client.signal,
    });
    const reader = response.body!.getReader();
    await reader.read();
    // The stream looks again after each commit: make some (other jobs).
    const commit = () => env.queue.submitJob({ tenant: 'acme', kind: 'tasks', tasks: [] });
    const before = polls;
    for (let i = 0; i < 200 && polls < before + 3; i++) {
      await commit();
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(polls).toBeGreaterThanOrEqual(before + 3);
    client.abort();
    // Looks stop although commits go on: the count settles (bounded; no timing asserted).
    let settled = false;
    for (let i = 0; i < 100 && !settled; i++) {
      const seen = polls;
      await commit();
      await new Promise((r) => setTimeout(r, 30));
      settled = polls === seen;
    }
    expect(settled).toBe(true);
  });

  it('error: a stream that fails ends with a generic error event; the cause goes to the log', async () => {
    const logged: unknown[] = [];
    env = await apiTestEnv();
    server = await startApiServer({
      queue: env.queue,
      keys: env.keys,
      port: 0,
      log: (_message, error) => logged.push(error),
    });
    const id = await submit(server.url, env.acme);
    env.queue.events = async () => {
      throw new Error('SQLITE_IOERR: disk I/O error at /srv/secret/noob.db');
    };
    const messages = await untilDone((await open(server.url, env.acme, id)).body!);
    const failure = messages.find((m) => m.event === 'error')!;
    expect(JSON.parse(failure.data)).toMatchObject({ code: 'stream_failed' });
    expect(failure.data).not.toContain('secret');
    expect(String(logged[0])).toContain('/srv/secret/noob.db');
  });

  it("error: another tenant's job is a 404 before any stream starts", async () => {
    env = await apiTestEnv();
    const url = await serve();
    const id = await submit(url, env.acme);
    const response = await open(url, env.globex, id);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/json/);
    expect(((await response.json()) as any).error.code).toBe('job_not_found');
  });

  it('error: without a key the stream is a 401', async () => {
    env = await apiTestEnv();
    const url = await serve();
    const id = await submit(url, env.acme);
    const response = await fetch(`${url}/v1/jobs/${id}/events`);
    expect(response.status).toBe(401);
    expect(((await response.json()) as any).error.code).toBe('unauthorized');
  });
});
