import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PageRoute } from './browser/page.ts';

/** What the orchestrator's endpoints show. */
export interface HealthSource {
  /** The `/healthz` body; `ok: false` answers 503. */
  health(): { ok: boolean } & Record<string, unknown>;
  /** The `/metrics` body (Prometheus text). */
  metrics(): string;
}

/** A running health server. */
export interface HealthServer {
  url: string;
  close(): Promise<void>;
}

/**
 * `/healthz` and `/metrics` over HTTP for an orchestrator (ECS health checks, Prometheus).
 * Bound to 127.0.0.1 by default: the peer's own network is libp2p, not this.
 */
export async function startHealthServer(
  source: HealthSource,
  options: {
    port: number;
    host?: string;
    /** More pages by path (the browser peer's page and script). */
    routes?: Record<string, PageRoute>;
  },
): Promise<HealthServer> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET') {
      response.writeHead(405, { allow: 'GET' }).end();
    } else if (path === '/healthz') {
      const body = source.health();
      response
        .writeHead(body.ok ? 200 : 503, { 'content-type': 'application/json' })
        .end(JSON.stringify(body));
    } else if (path === '/metrics') {
      response
        .writeHead(200, { 'content-type': 'text/plain; version=0.0.4' })
        .end(source.metrics());
    } else if (options.routes && Object.hasOwn(options.routes, path!)) {
      const route = options.routes[path!]!;
      route.body().then(
        (body) => response.writeHead(200, { 'content-type': route.type }).end(body),
        (error: Error) =>
          response
            .writeHead(503, { 'content-type': 'text/plain; charset=utf-8' })
            .end(`${error.message}\n`),
      );
    } else {
      response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
    }
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
