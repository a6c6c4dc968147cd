import { type IncomingMessage, type Server, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { CALL_STREAM_PROTOCOL } from './call-frames.ts';

/**
 * Marks the app's environment of an upgrade request (`c.env`): only the upgrade handler
 * below passes it, so a plain `GET /v1/stream` can never be taken for one.
 */
const UPGRADE = Symbol('noob call stream upgrade');

/** An upgrade request in the app: the stream route accepts it; no other route can. */
export interface CallStreamUpgrade {
  accepted: boolean;
}

/**
 * The upgrade of the request whose app environment is `env`, if {@link acceptCallStreams}
 * handed it in; the `GET /v1/stream` route marks it accepted once the guard has passed.
 */
export function callStreamUpgrade(env: unknown): CallStreamUpgrade | undefined {
  if (typeof env !== 'object' || env === null || !(UPGRADE in env)) return undefined;
  return (env as { [UPGRADE]: CallStreamUpgrade })[UPGRADE];
}

/** What {@link acceptCallStreams} needs of the worker app. */
export interface StreamingApp {
  fetch(request: Request, env: unknown): Response | Promise<Response>;
  openCallStream(socket: Duplex, head: Buffer): { close(): Promise<void> };
}

/**
 * Takes `server`'s upgrade requests: each goes through the app as a request (the guard:
 * no `Origin`, the token; the route: `GET /v1/stream` with `Upgrade: noob-calls/1`), and
 * only when that route accepts it does the connection switch to a call stream; otherwise
 * the app's answer (401, 403, 404, 426, any other route's) is written and the connection
 * closed.
 * `close()` lets every open stream answer what it is running, then ends it.
 */
export function acceptCallStreams(server: Server, app: StreamingApp): { close(): Promise<void> } {
  const open = new Set<{ close(): Promise<void> }>();
  server.on('upgrade', async (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => {}); // a client that went away: nothing to answer
    const upgrade: CallStreamUpgrade = { accepted: false };
    let response: Response;
    try {
      response = await app.fetch(asRequest(request), { [UPGRADE]: upgrade });
    } catch {
      response = Response.json(
        { error: { code: 'internal', message: 'upgrade failed' } },
        { status: 500 },
      );
    }
    if (socket.destroyed) return;
    // Only the stream route accepts: any other answer (a 401, or the 200 of an
    // unauthenticated GET /healthz sent with an Upgrade header) is written as it is.
    if (!upgrade.accepted || response.status !== 200) {
      await refuse(socket, response);
      return;
    }
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: ${CALL_STREAM_PROTOCOL}\r\n\r\n`,
    );
    (socket as Duplex & { setNoDelay?(on: boolean): void }).setNoDelay?.(true);
    const stream = app.openCallStream(socket, head);
    open.add(stream);
    socket.once('close', () => open.delete(stream));
  });
  return {
    close: async () => {
      await Promise.allSettled([...open].map((stream) => stream.close()));
    },
  };
}

/** The upgrade request as the app sees requests (headers only: it has no body). */
function asRequest(request: IncomingMessage): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  return new Request(`http://${request.headers.host ?? 'localhost'}${request.url ?? '/'}`, {
    method: request.method,
    headers,
  });
}

/** Writes the app's answer as an HTTP/1.1 response and closes the connection. */
async function refuse(socket: Duplex, response: Response): Promise<void> {
  const body = Buffer.from(await response.arrayBuffer());
  const lines = [`HTTP/1.1 ${response.status} ${STATUS_CODES[response.status] ?? ''}`];
  response.headers.forEach((value, name) => {
    if (name !== 'content-length' && name !== 'connection') lines.push(`${name}: ${value}`);
  });
  lines.push(`content-length: ${body.length}`, 'connection: close', '', '');
  socket.end(Buffer.concat([Buffer.from(lines.join('\r\n')), body]));
}
