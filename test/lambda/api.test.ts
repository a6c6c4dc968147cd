import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyStore } from '../../functions/api/keys.ts';
import { EXAMPLES } from '../conformance/suite.ts';
import { type LambdaStack, startLambdaStack } from './stack.ts';

/**
 * The job API's real Lambda handler (functions/api/lambda.ts, `streamHandle`) behind a
 * streaming Function URL of the local Lambda twin, over a real sqld.
 */
const API = join(import.meta.dirname, '..', '..', 'functions', 'api', 'lambda.ts');

let stack: LambdaStack;
let url: string;
let key: string;

beforeAll(async () => {
  stack = await startLambdaStack({
    functions: (queueUrl) => [
      {
        name: 'api',
        file: API,
        functionUrl: true,
        env: { NOOB_QUEUE_URL: queueUrl, NOOB_TUBE_PATHS: EXAMPLES },
      },
    ],
  });
  url = stack.twin.functionUrl('api');
  key = (await new KeyStore(stack.queue.driver).create('acme')).key;
});
afterAll(async () => {
  await stack?.stop();
});

const authed = (method = 'GET', body?: unknown): RequestInit => ({
  method,
  headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
  ...(body === undefined ? {} : { body: JSON.stringify(body) }),
});

describe('job API on Lambda', () => {
  it('behavior: the same app answers through the Function URL: health, a submitted job, its status, and typed errors', async () => {
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true, database: 'remote' });
    const submitted = await fetch(
      `${url}/v1/jobs`,
      authed('POST', { tube: 'testing-basic', epochs: 3 }),
    );
    expect(submitted.status).toBe(202);
    const { id } = (await submitted.json()) as { id: string };
    const status = await fetch(`${url}/v1/jobs/${id}`, authed());
    expect(await status.json()).toMatchObject({ id, state: 'queued' });
    const refused = await fetch(`${url}/v1/jobs`, { method: 'POST', body: '{}' });
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBeTruthy();
  });

  it('behavior: a job’s events stream as Server-Sent Events through response streaming, the first before the job ends', async () => {
    const submitted = await fetch(`${url}/v1/jobs`, authed('POST', { tube: 'testing-basic' }));
    const { id } = (await submitted.json()) as { id: string };
    const events = await fetch(`${url}/v1/jobs/${id}/events`, authed());
    expect(events.status).toBe(200);
    expect(events.headers.get('content-type')).toContain('text/event-stream');
    const reader = events.body!.getReader();
    let text = '';
    while (!text.includes('job.queued')) {
      const chunk = await reader.read();
      expect(chunk.done).toBe(false);
      text += Buffer.from(chunk.value!).toString();
    }
    // Still open: the job is queued. Cancelling it ends the stream with its last events.
    expect((await fetch(`${url}/v1/jobs/${id}`, authed('DELETE'))).status).toBe(200);
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read())
      text += Buffer.from(chunk.value).toString();
    expect(text).toContain('job.cancelled');
    expect(text).toContain('event: done');
  });
});
