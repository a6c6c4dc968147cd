import { afterEach, describe, expect, it } from 'vitest';
import type { LogChunk } from '../../core/queue/task-logs.ts';
import { createNoobClient, type JobLogMessage, type JobStreamMessage } from './client.ts';
import { parseStreamCursor } from './events.ts';
import { readSse } from './sse.ts';
import { type ServedApiTestEnv, servedApiTestEnv } from './test-env.ts';

let env: ServedApiTestEnv | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

const printed = (text: string): LogChunk => ({ stream: 'stdout', text, at: Date.now() });

/** A finished tasks job of acme whose two calls printed `a0`, `a1` and `b0`. */
async function printedJob(served: ServedApiTestEnv): Promise<string> {
  const tasks = ['a', 'b'].map((node) => ({ cid: node, nodeId: node, epoch: '0', input: {} }));
  const { jobId } = await served.queue.submitJob({ tenant: 'acme', kind: 'tasks', tasks });
  const [first, second] = (await served.queue.claim({ workerId: 'w', max: 2 })).sort(
    (x, y) => x.id - y.id,
  );
  await served.queue.completeMany('w', [
    { taskId: first!.id, result: 1, logs: [printed('a0\n'), printed('a1\n')] },
  ]);
  await served.queue.completeMany('w', [
    { taskId: second!.id, result: 2, logs: [printed('b0\n')] },
  ]);
  return jobId;
}

async function collect<T>(stream: AsyncGenerator<T>): Promise<T[]> {
  const messages: T[] = [];
  for await (const message of stream) if (messages.push(message) > 100) break;
  return messages;
}

describe('GET /v1/jobs/:id/events?logs=true (real HTTP)', () => {
  it('default: log entries come as log messages, before the event saying their task finished', async () => {
    env = await servedApiTestEnv();
    const jobId = await printedJob(env);
    const client = createNoobClient({ baseUrl: env.url, apiKey: env.acme });
    const messages = await collect(client.events(jobId, { logs: true }));
    const kinds = messages.map((m) =>
      m.type === 'log'
        ? `log ${m.log.node} ${m.log.text.trim()}`
        : m.type === 'event'
          ? m.event.type
          : 'done',
    );
    expect(kinds.filter((k) => k.startsWith('log'))).toEqual(['log a a0', 'log a a1', 'log b b0']);
    const succeeded = kinds.indexOf('tasks.succeeded');
    expect(kinds.indexOf('log a a0')).toBeLessThan(succeeded);
    expect(kinds.at(-1)).toBe('done');
    const log = messages.find((m): m is JobLogMessage => m.type === 'log')!.log;
    expect(log).toMatchObject({ node: 'a', epoch: '0', stream: 'stdout', text: 'a0\n' });
    expect(log.taskId).toEqual(expect.any(Number));
  });

  it('behavior: Last-Event-ID of a log message resumes after it, without repeats of logs or events', async () => {
    env = await servedApiTestEnv();
    const jobId = await printedJob(env);
    const read = async (lastEventId?: string) => {
      const response = await fetch(`${env!.url}/v1/jobs/${jobId}/events?logs=true`, {
        headers: {
          authorization: `Bearer ${env!.acme}`,
          ...(lastEventId ? { 'last-event-id': lastEventId } : {}),
        },
      });
      return collect(readSse(response.body!));
    };
    const all = await read();
    const secondLog = all.filter((m) => m.event === 'log')[1]!;
    expect(parseStreamCursor(secondLog.id!)).toMatchObject({ afterLog: expect.any(Number) });
    const rest = await read(secondLog.id);
    const after = all.slice(all.indexOf(secondLog) + 1);
    expect(rest.map((m) => [m.event, m.data])).toEqual(after.map((m) => [m.event, m.data]));
  });

  it('behavior: without logs=true the stream is events only, with plain event ids', async () => {
    env = await servedApiTestEnv();
    const jobId = await printedJob(env);
    const client = createNoobClient({ baseUrl: env.url, apiKey: env.acme });
    const messages: JobStreamMessage[] = await collect(client.events(jobId));
    expect(messages.some((m) => (m as { type: string }).type === 'log')).toBe(false);
    expect(messages.at(-1)!.type).toBe('done');
    const response = await fetch(`${env.url}/v1/jobs/${jobId}/events`, {
      headers: { authorization: `Bearer ${env.acme}` },
    });
    const ids = (await collect(readSse(response.body!))).map((m) => m.id);
    for (const id of ids) expect(id).toMatch(/^\d+$/);
  });

  it('error: a Last-Event-ID that is not a stream id is a 400', async () => {
    env = await servedApiTestEnv();
    const jobId = await printedJob(env);
    for (const bad of ['1:', ':2', '1:2:3', 'x']) {
      const response = await fetch(`${env.url}/v1/jobs/${jobId}/events`, {
        headers: { authorization: `Bearer ${env.acme}`, 'last-event-id': bad },
      });
      expect(response.status, bad).toBe(400);
    }
  });
});
