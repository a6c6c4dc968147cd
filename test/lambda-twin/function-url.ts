import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';
import type { HttpFront } from './invoke-front.ts';
import { readBody } from './runtime-api.ts';
import type { LambdaTwin } from './twin.ts';

/**
 * A function's Function URL on 127.0.0.1: each HTTP request becomes a payload-2.0 event
 * (what Lambda sends a function behind a Function URL) and the function's answer becomes
 * the HTTP response. A streaming function (`RESPONSE_STREAM` invoke mode) answers with the
 * HTTP integration prelude (JSON status and headers, then 8 NUL bytes) and its body,
 * passed on to the client as it is written; a buffered one with `{statusCode, headers,
 * body, isBase64Encoded, cookies}`.
 */

/** The prelude's content type, as the runtime client sets it. */
const HTTP_INTEGRATION = 'application/vnd.awslambda.http-integration-response';

/** Start the Function URL of `name`. */
export async function startFunctionUrl(twin: LambdaTwin, name: string): Promise<HttpFront> {
  const server = createServer((req, res) => {
    serve(twin, name, req, res).catch((error) => {
      if (res.headersSent) res.destroy(error as Error);
      else res.writeHead(502, { 'content-type': 'application/json' }).end('{"Message":null}');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}

/** The payload-2.0 event of a request. */
function eventOf(req: IncomingMessage, body: Buffer): string {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(req.headers)) {
    if (key === 'cookie' || value === undefined) continue;
    headers[key] = Array.isArray(value) ? value.join(',') : value;
  }
  const cookies = req.headers.cookie?.split(/;\s*/);
  const binary = body.length > 0 && !/^[\x20-\x7e\s]*$/.test(body.toString('latin1'));
  return JSON.stringify({
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    ...(cookies ? { cookies } : {}),
    headers,
    requestContext: {
      accountId: 'anonymous',
      apiId: 'twin',
      domainName: req.headers.host ?? 'localhost',
      domainPrefix: 'twin',
      http: {
        method: req.method ?? 'GET',
        path: url.pathname,
        protocol: 'HTTP/1.1',
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: req.headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
    ...(body.length > 0
      ? { body: binary ? body.toString('base64') : body.toString(), isBase64Encoded: binary }
      : { isBase64Encoded: false }),
  });
}

async function serve(
  twin: LambdaTwin,
  name: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const answer = await twin.run(name, 'FunctionUrl', eventOf(req, await readBody(req)));
  if (answer.kind === 'throttled' || answer.kind === 'fault') {
    res.writeHead(429, { 'content-type': 'application/json' }).end('{"Message":"Rate Exceeded."}');
    return;
  }
  if (answer.kind === 'error') {
    res
      .writeHead(502, { 'content-type': 'application/json' })
      .end('{"Message":"Internal Server Error"}');
    return;
  }
  if (answer.kind === 'response') {
    const result = JSON.parse(answer.body.toString() || 'null') as {
      statusCode?: number;
      headers?: Record<string, string>;
      cookies?: string[];
      body?: string;
      isBase64Encoded?: boolean;
    } | null;
    if (!result || typeof result.statusCode !== 'number') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(answer.body);
      return;
    }
    res.writeHead(result.statusCode, {
      ...result.headers,
      ...(result.cookies ? { 'set-cookie': result.cookies } : {}),
    });
    res.end(Buffer.from(result.body ?? '', result.isBase64Encoded ? 'base64' : 'utf8'));
    return;
  }
  // A stream: the prelude first (when the function sent one), then the body as it comes.
  res.once('close', () => answer.body.resume());
  if (answer.contentType !== HTTP_INTEGRATION) {
    res.writeHead(200, { 'content-type': answer.contentType });
    await pipeBody(answer.body, Buffer.alloc(0), res, answer.ended);
    return;
  }
  const { prelude, rest } = await readPrelude(answer.body);
  res.writeHead(prelude.statusCode ?? 200, {
    ...prelude.headers,
    ...(prelude.cookies?.length ? { 'set-cookie': prelude.cookies } : {}),
  });
  res.flushHeaders();
  await pipeBody(answer.body, rest, res, answer.ended);
}

interface Prelude {
  statusCode?: number;
  headers?: Record<string, string>;
  cookies?: string[];
}

/** Read up to the prelude's 8-NUL delimiter; returns the prelude and what came after it. */
function readPrelude(body: Readable): Promise<{ prelude: Prelude; rest: Buffer }> {
  const delimiter = Buffer.alloc(8);
  return new Promise((resolve, reject) => {
    let buffered = Buffer.alloc(0);
    const done = (prelude: string, rest: Buffer) => {
      body.off('data', onData);
      body.off('end', onEnd);
      body.pause();
      try {
        resolve({ prelude: JSON.parse(prelude || '{}') as Prelude, rest });
      } catch (error) {
        reject(error);
      }
    };
    const onData = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      const at = buffered.indexOf(delimiter);
      if (at >= 0) done(buffered.subarray(0, at).toString(), buffered.subarray(at + 8));
    };
    const onEnd = () => done(buffered.toString(), Buffer.alloc(0));
    body.on('data', onData);
    body.once('end', onEnd);
    body.once('error', reject);
  });
}

/** Pass the body on as it is written; a stream that ends in error cuts the response. */
async function pipeBody(
  body: Readable,
  first: Buffer,
  res: ServerResponse,
  ended: Promise<{ errorType: string } | undefined>,
): Promise<void> {
  if (first.length > 0) res.write(first);
  body.on('data', (chunk: Buffer) => res.write(chunk));
  body.resume();
  const failure = await ended;
  if (failure) res.destroy(new Error(failure.errorType));
  else res.end();
}
