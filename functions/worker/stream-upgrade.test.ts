import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { openCallStream } from '../../core/runners/http/call-stream-client.ts';
import { multiplyTask } from '../../core/runners/http/rogue-worker.fixture.ts';
import { startWorkerServer } from './serve.ts';

/** Opens a call stream on `url` with `headers`; fails the test if the worker refused. */
async function stream(url: string, headers: Record<string, string>) {
  const opened = await openCallStream(url, headers, 5_000);
  if (!('stream' in opened)) throw new Error(`refused: ${JSON.stringify(opened.refused)}`);
  return opened.stream;
}

const multiply = (cid: string, left: number) => ({ ...multiplyTask(left), cid });

describe('worker call streams (real HTTP upgrade on loopback)', () => {
  it('default: with its token, the upgraded connection runs batches and answers each in order', async () => {
    const server = await startWorkerServer();
    try {
      const calls = await stream(server.url, { authorization: `Bearer ${server.token}` });
      const count = (cid: string) => ({
        ...multiply(cid, 0),
        type: 'noob.testing.count_source',
        instance: 'n',
      });
      const [first, second] = await Promise.all([
        calls.send([
          multiply('a', 2),
          count('c'),
          { ...multiply('x', 1), type: 'noob.testing.nope' },
        ]),
        calls.send([count('d'), { ...multiply('y', 1), inputs: 'left=1' } as never]),
      ]);
      expect(first).toMatchObject({
        status: 200,
        body: {
          results: [
            { ok: true, cid: 'a', outputs: { value: 4 } },
            { ok: true, cid: 'c', outputs: { index: 0 } },
            { ok: false, status: 404, code: 'unknown_node_type' },
          ],
        },
      });
      expect(second.body.results[0]).toMatchObject({ ok: true, outputs: { index: 1 } });
      expect(second.body.results[1]).toMatchObject({
        ok: false,
        status: 400,
        code: 'invalid_task',
      });
      expect(second.body.results[1].message).toMatch(/inputs/);
      calls.close();
    } finally {
      await server.close();
    }
  });

  it('error: the upgrade without the token is 401, from a page 403, and a plain GET is 426', async () => {
    const server = await startWorkerServer();
    try {
      const auth = { authorization: `Bearer ${server.token}` };
      const anonymous = await openCallStream(server.url, {}, 5_000);
      expect(anonymous).toMatchObject({
        refused: { status: 401, body: { error: { code: 'unauthorized' } } },
      });
      const wrong = await openCallStream(server.url, { authorization: 'Bearer nope' }, 5_000);
      expect(wrong).toMatchObject({ refused: { status: 401 } });
      const page = await openCallStream(
        server.url,
        { ...auth, origin: 'http://127.0.0.1:5173' },
        5_000,
      );
      expect(page).toMatchObject({
        refused: { status: 403, body: { error: { code: 'cross_origin' } } },
      });
      const plain = await fetch(`${server.url}/v1/stream`, { headers: auth });
      expect(plain.status).toBe(426);
      expect(((await plain.json()) as any).error.code).toBe('upgrade_required');
    } finally {
      await server.close();
    }
  });

  it('error: an upgrade asked of another route, such as the tokenless GET /healthz, never switches', async () => {
    const server = await startWorkerServer();
    try {
      const answer = await new Promise<string>((resolve, reject) => {
        const request = http.request(`${server.url}/healthz`, {
          agent: false,
          headers: { connection: 'Upgrade', upgrade: 'noob-calls/1' },
        });
        request.on('upgrade', (_response, socket) => {
          socket.destroy();
          resolve('switched');
        });
        request.on('response', (response) => {
          response.resume();
          resolve(`answered ${response.statusCode}`);
        });
        request.on('error', reject);
        request.end();
      });
      expect(answer).toBe('answered 200');
    } finally {
      await server.close();
    }
  });

  it('behavior: a batch over the body limit is answered 413 whole, and the stream goes on', async () => {
    const server = await startWorkerServer({ maxBodyBytes: 1024 });
    try {
      const calls = await stream(server.url, { authorization: `Bearer ${server.token}` });
      const large = { ...multiply('big', 1), inputs: { left: 1, pad: 'x'.repeat(4096) } };
      const refused = await calls.send([large, multiply('b', 3)]);
      expect(refused).toMatchObject({
        status: 413,
        body: { error: { code: 'payload_too_large' } },
      });
      const after = await calls.send([multiply('c', 5)]);
      expect(after.body.results[0]).toMatchObject({ ok: true, outputs: { value: 10 } });
      calls.close();
    } finally {
      await server.close();
    }
  });

  it('behavior: closing the worker answers the batch it is running before the stream ends', async () => {
    const server = await startWorkerServer();
    const calls = await stream(server.url, { authorization: `Bearer ${server.token}` });
    const slow = {
      ...multiply('s', 0),
      type: 'noob.testing.just_wait',
      inputs: { value: 1, wait_for: 0.2 },
    };
    const answer = calls.send([slow]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await server.close();
    expect((await answer).body.results[0]).toMatchObject({ ok: true, outputs: { value: 1 } });
    expect(calls.open).toBe(false);
  });
});
