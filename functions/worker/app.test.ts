import { describe, expect, it } from 'vitest';
import { createWorkerApp } from './app.ts';
import { TaskExecutor } from './executor.ts';
import { startWorkerServer } from './serve.ts';

const post = async (app: ReturnType<typeof createWorkerApp>, body: unknown): Promise<Response> =>
  app.request('/v1/tasks', {
    method: 'POST',
    body: typeof body === 'string' ? body : JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
  });

describe('worker app', () => {
  it('default: runs a function node and returns its outputs by signal', async () => {
    const app = createWorkerApp();
    const response = await post(app, {
      cid: 'task-1',
      type: 'noob.testing.multiply',
      inputs: { left: 21 },
    });
    expect(response.status).toBe(200);
    expect((await response.json()) as any).toEqual({
      cid: 'task-1',
      outputs: { value: 42 },
      exhausted: false,
    });
  });

  it('behavior: a stateful instance keeps its state between calls with the same instance key', async () => {
    const app = createWorkerApp();
    const call = (instance: string) =>
      post(app, {
        cid: `c-${instance}`,
        type: 'noob.testing.count_source',
        params: { limit: 2 },
        instance,
      }).then((r) => r.json() as Promise<any>);
    expect((await call('a')).outputs).toEqual({ index: 0 });
    expect((await call('a')).outputs).toEqual({ index: 1 });
    expect(await call('a')).toMatchObject({ outputs: {}, exhausted: true });
    expect((await call('b')).outputs).toEqual({ index: 0 });
  });

  it('behavior: multiple signals: only the ones that fired come back', async () => {
    const app = createWorkerApp();
    const response = await post(app, { cid: 'sw', type: 'noob.testing.switch', instance: 'sw' });
    expect(((await response.json()) as any).outputs).toEqual({ fruits: 'apple' });
  });

  it('error: a bad payload gets 400 naming the field', async () => {
    const app = createWorkerApp();
    const missing = await post(app, { type: 'noob.testing.multiply' });
    expect(missing.status).toBe(400);
    const body = (await missing.json()) as any;
    expect(body.error.code).toBe('invalid_task');
    expect(body.error.message).toMatch(/cid/);
    const wrongType = await post(app, {
      cid: 'x',
      type: 'noob.testing.multiply',
      inputs: 'left=1',
    });
    expect(wrongType.status).toBe(400);
    expect(((await wrongType.json()) as any).error.message).toMatch(/inputs/);
    const notJson = await post(app, '{not json');
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as any).error.code).toBe('invalid_json');
  });

  it('error: an unknown node type gets 404 naming the type', async () => {
    const app = createWorkerApp();
    const response = await post(app, { cid: 'x', type: 'noob.testing.nope' });
    expect(response.status).toBe(404);
    const body = (await response.json()) as any;
    expect(body.error.code).toBe('unknown_node_type');
    expect(body.error.message).toMatch(/noob\.testing\.nope/);
  });

  it('error: a module type the executor refuses gets 403 module_not_allowed naming the field type', async () => {
    const app = createWorkerApp({ executor: new TaskExecutor({ modules: 'deny' }) });
    const response = await post(app, { cid: 'x', type: 'node:child_process#execSync' });
    expect(response.status).toBe(403);
    const body = (await response.json()) as any;
    expect(body.error).toMatchObject({
      code: 'module_not_allowed',
      details: { field: 'type', type: 'node:child_process#execSync' },
    });
    expect(body.error.message).toMatch(
      /^node type "node:child_process#execSync": module type "node:child_process#execSync" is not allowed: .*noob worker --allow-modules/,
    );
  });

  it('error: a node that throws gets 422 with the node, epoch and cause', async () => {
    const app = createWorkerApp();
    const response = await post(app, {
      cid: 'x',
      type: 'noob.testing.error',
      nodeId: 'b',
      epoch: '3',
      inputs: { value: 1 },
    });
    expect(response.status).toBe(422);
    const body = (await response.json()) as any;
    expect(body.error.code).toBe('node_failed');
    expect(body.error.message).toMatch(
      /node b \(noob\.testing\.error\) failed in epoch 3: This node just emits errors/,
    );
  });

  it('error: over the body limit gets 413', async () => {
    const app = createWorkerApp({ maxBodyBytes: 1024 });
    const response = await post(app, {
      cid: 'x',
      type: 'noob.testing.concat',
      inputs: { strings: ['x'.repeat(4096)] },
    });
    expect(response.status).toBe(413);
    expect(((await response.json()) as any).error.code).toBe('payload_too_large');
  });

  it('default: over real HTTP on loopback, with the token it made, health and load', async () => {
    const server = await startWorkerServer({ capacity: 3, tags: ['cpu'] });
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((await (await fetch(`${server.url}/healthz`)).json()) as any).toEqual({
        ok: true,
        tags: ['cpu'],
      });
      const auth = { authorization: `Bearer ${server.token}` };
      const response = await fetch(`${server.url}/v1/tasks`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...auth },
        body: JSON.stringify({
          cid: 't',
          type: 'noob.testing.exclaim',
          inputs: { string: 'hi', hype: 2 },
        }),
      });
      expect((await response.json()) as any).toEqual({
        cid: 't',
        outputs: { value: 'hi!!' },
        exhausted: false,
      });
      expect(
        (await (await fetch(`${server.url}/v1/load`, { headers: auth })).json()) as any,
      ).toMatchObject({
        inFlight: 0,
        capacity: 3,
        completed: 1,
      });
    } finally {
      await server.close();
    }
  });

  it('behavior: a batch answers each call in order, a failed one with its status, the others unharmed', async () => {
    const app = createWorkerApp();
    const response = await app.request('/v1/batch', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        tasks: [
          { cid: 'a', type: 'noob.testing.multiply', inputs: { left: 2 } },
          { cid: 'b', type: 'noob.testing.nope' },
          { cid: 'c', type: 'noob.testing.count_source', instance: 'n' },
          { cid: 'd', type: 'noob.testing.count_source', instance: 'n' },
        ],
      }),
    });
    const { results } = (await response.json()) as any;
    expect(results).toMatchObject([
      { ok: true, cid: 'a', outputs: { value: 4 } },
      { ok: false, status: 404, code: 'unknown_node_type' },
      { ok: true, cid: 'c', outputs: { index: 0 } },
      { ok: true, cid: 'd', outputs: { index: 1 } },
    ]);
  });

  it('behavior: two calls of one new class instance in a batch share one instance', async () => {
    const app = createWorkerApp();
    const task = (cid: string) => ({
      cid,
      type: 'noob.testing.StatefulMultiply',
      params: { start: 1 },
      inputs: { left: 1 },
      instance: 'm',
    });
    const response = await app.request('/v1/batch', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tasks: [task('1'), task('2'), task('3')] }),
    });
    const { results } = (await response.json()) as any;
    expect(results.map((r: any) => r.outputs.value)).toEqual([1, 2, 3]);
  });

  it('error: with a token, a request without it is 401; a body not JSON is 415; one from a page is 403', async () => {
    const app = createWorkerApp({ token: 'a-token-of-some-length' });
    const body = JSON.stringify({ cid: 'x', type: 'noob.testing.multiply', inputs: { left: 1 } });
    const send = (headers: Record<string, string>) =>
      app.request('/v1/tasks', { method: 'POST', headers, body });
    const json = { 'content-type': 'application/json' };
    const auth = { authorization: 'Bearer a-token-of-some-length' };
    expect((await send(json)).status).toBe(401);
    expect((await send({ ...json, authorization: 'Bearer a-token-of-some-lengtH' })).status).toBe(
      401,
    );
    expect((await send({ 'content-type': 'text/plain', ...auth })).status).toBe(415);
    expect((await send({ ...json, ...auth, origin: 'http://127.0.0.1:5173' })).status).toBe(403);
    expect((await send({ ...json, ...auth })).status).toBe(200);
    expect((await app.request('/healthz')).status).toBe(200);
  });
});
