import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

/** A running HTTP server the benchmark can stop. */
export interface BenchServer {
  url: string;
  /**
   * CPU time (µs) used so far by the target's processes outside this one (a database
   * server), if it has any: the machine's cost of a request counts them too.
   */
  outsideCpuMicroseconds?(): number;
  close(): Promise<void>;
}

/**
 * The baseline: a bare Hono app on `@hono/node-server` with the job API's route shape,
 * `POST /v1/jobs` parsing the JSON body and answering 202 `{id}`, and nothing else (no
 * auth, no tube check, no database). Listens on 127.0.0.1, on a free port.
 */
export function startBareHono(): Promise<BenchServer> {
  const app = new Hono();
  app.post('/v1/jobs', async (c) => {
    await c.req.json();
    return c.json({ id: randomUUID() }, 202);
  });
  return listen(app);
}

/** Serves `app` on `@hono/node-server` at 127.0.0.1, on a free port, until closed. */
export function listen(app: Hono): Promise<BenchServer> {
  return new Promise((resolve, reject) => {
    const server = serve(
      { fetch: app.fetch, port: 0, hostname: '127.0.0.1' },
      (info: AddressInfo) => {
        server.off('error', reject);
        resolve({
          url: `http://127.0.0.1:${info.port}`,
          close: () =>
            new Promise<void>((done) => {
              server.close(() => done());
              (server as Server).closeAllConnections();
            }),
        });
      },
    );
    server.once('error', reject);
  });
}
