import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The Lambda Runtime API (version 2018-06-01) for one execution environment, on 127.0.0.1:
 * what AWS runs beside every Lambda sandbox and what a runtime client (`aws-lambda-ric`)
 * talks to. The runtime long-polls `GET /runtime/invocation/next`; the twin hands it one
 * invocation at a time (request id, deadline and function ARN in the headers, the event as
 * the body) and learns the outcome from `POST …/{id}/response` (buffered, or streamed when
 * the runtime says `Lambda-Runtime-Function-Response-Mode: streaming`), `POST …/{id}/error`,
 * or `POST /runtime/init/error` when the handler could not even load.
 */

const PREFIX = '/2018-06-01/runtime';

/** One invocation as the runtime receives it. */
export interface RuntimeInvocation {
  requestId: string;
  /** The event, as JSON text. */
  event: string;
  /** Epoch ms after which the function is out of time. */
  deadlineMs: number;
  functionArn: string;
}

/** How an invocation ended, as the runtime reported it. */
export type RuntimeOutcome =
  | { kind: 'response'; body: Buffer }
  | {
      /** A streamed response: the body arrives as the handler writes it. */
      kind: 'stream';
      contentType: string;
      body: IncomingMessage;
      /** Resolves at the stream's end: the error the runtime put in its trailers, if any. */
      ended: Promise<{ errorType: string; errorBody: string } | undefined>;
    }
  | { kind: 'error'; errorType: string; body: string };

/** What the environment hears from its runtime. */
export interface RuntimeListener {
  /** The runtime asked for work: its init phase is over. */
  ready(): void;
  /** The handler failed to load (`POST /runtime/init/error`). */
  initError(errorType: string, body: string): void;
  /** The outcome of the invocation with this id. */
  outcome(requestId: string, outcome: RuntimeOutcome): void;
}

/** A Runtime API server for one environment (one runtime process at a time). */
export class RuntimeApi {
  readonly #server: Server;
  readonly #listener: RuntimeListener;
  /** The runtime's pending `next` request, if it is waiting. */
  #waiting: ServerResponse | undefined;
  /** An invocation handed over before the runtime asked. */
  #queued: RuntimeInvocation | undefined;
  #port = 0;

  constructor(listener: RuntimeListener) {
    this.#listener = listener;
    this.#server = createServer((req, res) => this.#route(req, res));
    // The runtime keeps its connection open across invocations; nothing should time out.
    this.#server.requestTimeout = 0;
    this.#server.headersTimeout = 0;
  }

  /** `127.0.0.1:PORT`: what `AWS_LAMBDA_RUNTIME_API` holds. */
  get address(): string {
    return `127.0.0.1:${this.#port}`;
  }

  async start(): Promise<void> {
    this.#server.listen(0, '127.0.0.1');
    await once(this.#server, 'listening');
    this.#port = (this.#server.address() as AddressInfo).port;
  }

  /** Hand the runtime its next invocation (the environment makes sure it is idle). */
  deliver(invocation: RuntimeInvocation): void {
    const waiting = this.#waiting;
    if (!waiting) {
      this.#queued = invocation;
      return;
    }
    this.#waiting = undefined;
    waiting.writeHead(200, {
      'content-type': 'application/json',
      'lambda-runtime-aws-request-id': invocation.requestId,
      'lambda-runtime-deadline-ms': String(invocation.deadlineMs),
      'lambda-runtime-invoked-function-arn': invocation.functionArn,
      'lambda-runtime-trace-id': `Root=1-${invocation.requestId.slice(0, 8)}-twin;Sampled=0`,
    });
    waiting.end(invocation.event);
  }

  async stop(): Promise<void> {
    this.#waiting?.destroy();
    this.#server.closeAllConnections();
    await new Promise<void>((done) => this.#server.close(() => done()));
  }

  #route(req: IncomingMessage, res: ServerResponse): void {
    const path = req.url ?? '';
    if (req.method === 'GET' && path === `${PREFIX}/invocation/next`) {
      this.#waiting = res;
      this.#listener.ready();
      const queued = this.#queued;
      if (queued) {
        this.#queued = undefined;
        this.deliver(queued);
      }
      return;
    }
    if (req.method === 'POST' && path === `${PREFIX}/init/error`) {
      void readBody(req).then((body) => {
        this.#listener.initError(errorTypeOf(req, 'Runtime.Unknown'), body.toString());
        accepted(res);
      });
      return;
    }
    const match = /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/.exec(path);
    if (req.method !== 'POST' || !match) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errorMessage: `no route ${req.method} ${path}` }));
      return;
    }
    const requestId = decodeURIComponent(match[1]!);
    if (match[2] === 'error') {
      void readBody(req).then((body) => {
        this.#listener.outcome(requestId, {
          kind: 'error',
          errorType: errorTypeOf(req, 'Runtime.Unknown'),
          body: body.toString(),
        });
        accepted(res);
      });
      return;
    }
    if (req.headers['lambda-runtime-function-response-mode'] === 'streaming') {
      const ended = new Promise<{ errorType: string; errorBody: string } | undefined>((done) => {
        req.once('end', () => {
          accepted(res);
          const errorType = req.trailers['lambda-runtime-function-error-type'];
          const errorBody = req.trailers['lambda-runtime-function-error-body'];
          done(
            errorType
              ? {
                  errorType,
                  errorBody: Buffer.from(errorBody ?? '', 'base64').toString(),
                }
              : undefined,
          );
        });
        req.once('error', () => done({ errorType: 'Runtime.StreamError', errorBody: '' }));
      });
      this.#listener.outcome(requestId, {
        kind: 'stream',
        contentType: req.headers['content-type'] ?? 'application/octet-stream',
        body: req,
        ended,
      });
      return;
    }
    void readBody(req).then((body) => {
      this.#listener.outcome(requestId, { kind: 'response', body });
      accepted(res);
    });
  }
}

function errorTypeOf(req: IncomingMessage, fallback: string): string {
  const header = req.headers['lambda-runtime-function-error-type'];
  return typeof header === 'string' && header ? header : fallback;
}

function accepted(res: ServerResponse): void {
  res.writeHead(202, { 'content-type': 'application/json' });
  res.end('{"status":"OK"}');
}

/** The whole body of a request. */
export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
