import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { declaredBodyLimit } from './body-limit.ts';

/** The limit on @hono/node-server, as the job API runs it: declared sizes and chunked bodies. */

let url = '';
let close = () => {};
beforeAll(async () => {
  const app = new Hono();
  app.post(
    '/echo',
    declaredBodyLimit({ maxSize: 16, onError: (c) => c.json({ error: 'too large' }, 413) }),
    async (c) => c.json(await c.req.json()),
  );
  await new Promise<void>((resolve) => {
    const server = serve(
      { fetch: app.fetch, port: 0, hostname: '127.0.0.1' },
      (info: AddressInfo) => {
        url = `http://127.0.0.1:${info.port}`;
        close = () => server.close();
        resolve();
      },
    );
  });
});
afterAll(() => close());

/** POST `chunks` to /echo, chunked (no Content-Length) unless `declared`. */
function post(chunks: string[], declared: boolean): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const length = Buffer.byteLength(chunks.join(''));
    const req = request(`${url}/echo`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(declared ? { 'content-length': String(length) } : {}),
      },
    });
    req.on('error', reject);
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

describe('declaredBodyLimit', () => {
  it('behavior: a body within the limit reaches the route, declared or chunked', async () => {
    expect(await post(['{"a":1}'], true)).toEqual({ status: 200, body: '{"a":1}' });
    expect(await post(['{"a"', ':2}'], false)).toEqual({ status: 200, body: '{"a":2}' });
  });

  it('error: a declared size over the limit is refused before the body is read', async () => {
    expect((await post(['{"a":"0123456789abcdef"}'], true)).status).toBe(413);
  });

  it('error: a chunked body is counted as it comes, and refused past the limit', async () => {
    expect((await post(['{"a":"01234', '56789abcdef"}'], false)).status).toBe(413);
  });
});
