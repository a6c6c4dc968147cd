import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { type ApiAppOptions, createApiApp } from './app.ts';

/** A running job API. */
export interface ApiServer {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** Ends open event streams, stops accepting requests and waits for the open ones. */
  close(): Promise<void>;
}

/** Where the job API listens. */
export interface ApiServerOptions extends ApiAppOptions {
  /** Default 8787; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1 (this machine only). */
  hostname?: string;
  /** How long close() lets open requests finish before cutting them (ms, default 5000). */
  closeGraceMs?: number;
}

/**
 * Serves the job API on Node. The queue stays the caller's: closing the server does not
 * close it.
 *
 * @example
 * ```ts
 * const server = await startApiServer({ queue: await openQueue(), port: 8787 });
 * console.log(`job API on ${server.url}`);
 * ```
 */
export function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const stopping = new AbortController();
  const signal = options.signal
    ? AbortSignal.any([options.signal, stopping.signal])
    : stopping.signal;
  const app = createApiApp({ ...options, signal });
  const hostname = options.hostname ?? '127.0.0.1';
  const graceMs = options.closeGraceMs ?? 5_000;
  return new Promise((resolve, reject) => {
    const server = serve(
      { fetch: app.fetch, port: options.port ?? 8787, hostname },
      (info: AddressInfo) => {
        server.off('error', reject);
        resolve({
          url: `http://${hostname.includes(':') ? `[${hostname}]` : hostname}:${info.port}`,
          close: async () => {
            stopping.abort();
            const closed = new Promise<void>((done) => server.close(() => done()));
            // Ended event streams leave keep-alive connections that were busy when close()
            // began: close them as they go idle, and whatever is left after the grace period.
            const http = server as Partial<
              Pick<Server, 'closeIdleConnections' | 'closeAllConnections'>
            >;
            const sweep = setInterval(() => http.closeIdleConnections?.(), 10);
            const deadline = setTimeout(() => http.closeAllConnections?.(), graceMs);
            await closed;
            clearInterval(sweep);
            clearTimeout(deadline);
          },
        });
      },
    );
    server.once('error', reject);
  });
}
