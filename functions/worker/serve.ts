import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createWorkerApp, type WorkerAppOptions } from './app.ts';
import { newWorkerToken } from './guard.ts';
import { acceptCallStreams } from './stream-upgrade.ts';

/** A running HTTP worker. */
export interface WorkerServer {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** The token its requests must carry (`Authorization: Bearer TOKEN`). */
  token: string;
  close(): Promise<void>;
}

/**
 * Serves the worker app on Node (127.0.0.1 unless told otherwise; port 0 picks a free
 * one). Always with a token: the one given, or a fresh random one (see `token` on the result).
 * Also takes the http runner's call streams (`GET /v1/stream`, see `stream-upgrade.ts`).
 */
export function startWorkerServer(
  options: WorkerAppOptions & { port?: number; hostname?: string } = {},
): Promise<WorkerServer> {
  const token = options.token ?? newWorkerToken();
  const app = createWorkerApp({ ...options, token });
  const hostname = options.hostname ?? '127.0.0.1';
  return new Promise((resolve) => {
    const server = serve(
      { fetch: app.fetch, port: options.port ?? 0, hostname },
      (info: AddressInfo) => {
        resolve({
          url: `http://${hostname}:${info.port}`,
          token,
          close: async () => {
            // Open streams hold their connections: the server closes once they have ended.
            await Promise.all([
              new Promise<void>((done) => server.close(() => done())),
              streams.close(),
            ]);
            await app.executor.close();
          },
        });
      },
    );
    const streams = acceptCallStreams(server as Server, app);
  });
}
