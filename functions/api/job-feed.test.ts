import { afterEach, describe, expect, it } from 'vitest';
import { readSse, type SseMessage } from './sse.ts';
import { authed, type ServedApiTestEnv, servedApiTestEnv } from './test-env.ts';

let env: ServedApiTestEnv;
afterEach(async () => {
  await env?.close();
});

const submit = async (key: string, epochs = 2): Promise<string> => {
  const response = await fetch(
    `${env.url}/v1/jobs`,
    authed(key, 'POST', { tube: 'testing-basic', epochs }),
  );
  expect(response.status).toBe(202);
  return ((await response.json()) as { id: string }).id;
};

/** Open the tenant's job list stream; its messages are read as they come. */
async function openFeed(key: string, headers: Record<string, string> = {}) {
  const stop = new AbortController();
  const response = await fetch(`${env.url}/v1/jobs/events`, {
    headers: { authorization: `Bearer ${key}`, ...headers },
    signal: stop.signal,
  });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const messages = readSse(response.body!);
  const seen: SseMessage[] = [];
  /** Read until `check` holds for a message (bounded: 200 messages). */
  const until = async (check: (job: { id: string; state: string }) => boolean) => {
    for (let i = 0; i < 200; i++) {
      const { value, done } = await messages.next();
      if (done) throw new Error('the stream ended');
      seen.push(value);
      if (check(JSON.parse(value.data))) return value;
    }
    throw new Error('no such message in 200');
  };
  return { until, seen, close: () => stop.abort() };
}

describe('GET /v1/jobs/events (the job list, live, over real HTTP)', () => {
  it('default: a job submitted after the stream opened comes as a job message, then again as it changes', async () => {
    env = await servedApiTestEnv();
    const feed = await openFeed(env.acme);
    const id = await submit(env.acme);
    const queued = await feed.until((job) => job.id === id);
    expect(queued.event).toBe('job');
    expect(JSON.parse(queued.data)).toMatchObject({
      id,
      state: 'queued',
      tube: { noobId: 'testing-basic' },
    });
    expect(JSON.parse(queued.data)).not.toHaveProperty('results');
    expect(queued.id).toMatch(/^\d+$/);
    await env.queue.cancelJob('acme', id);
    const cancelled = await feed.until((job) => job.id === id && job.state === 'cancelled');
    // The list says what the job itself says.
    const got = (await (await fetch(`${env.url}/v1/jobs/${id}`, authed(env.acme))).json()) as {
      state: string;
    };
    expect(JSON.parse(cancelled.data).state).toBe(got.state);
    feed.close();
  });

  it('behavior: only the tenant’s own jobs; resuming with Last-Event-ID sends what came since', async () => {
    env = await servedApiTestEnv();
    const feed = await openFeed(env.acme);
    const theirs = await submit(env.globex);
    const first = await submit(env.acme);
    const message = await feed.until((job) => job.id === first);
    expect(feed.seen.map((m) => JSON.parse(m.data).id)).not.toContain(theirs);
    feed.close();
    // Gone meanwhile: a job submitted and cancelled, then the stream resumes.
    const second = await submit(env.acme);
    await env.queue.cancelJob('acme', second);
    const resumed = await openFeed(env.acme, { 'last-event-id': message.id! });
    const caught = await resumed.until((job) => job.id === second);
    expect(JSON.parse(caught.data).state).toBe('cancelled');
    resumed.close();
  });

  it('error: a bad Last-Event-ID is a 400 naming it; a tenant past its stream quota gets a 429', async () => {
    env = await servedApiTestEnv({ limits: { maxStreamsPerTenant: 1 } });
    const bad = await fetch(`${env.url}/v1/jobs/events`, {
      headers: { authorization: `Bearer ${env.acme}`, 'last-event-id': 'soon' },
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain('Last-Event-ID');
    const feed = await openFeed(env.acme);
    const second = await fetch(`${env.url}/v1/jobs/events`, authed(env.acme));
    expect(second.status).toBe(429);
    await second.body?.cancel();
    // Another tenant's quota is its own.
    const theirs = await openFeed(env.globex);
    theirs.close();
    feed.close();
    const noKey = await fetch(`${env.url}/v1/jobs/events`);
    expect(noKey.status).toBe(401);
  });
});
