import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody } from './runtime-api.ts';
import type { LambdaTwin } from './twin.ts';

/**
 * The Lambda service's Invoke API on 127.0.0.1, as `@aws-sdk/client-lambda` calls it:
 * `POST /2015-03-31/functions/{FunctionName}/invocations` with `X-Amz-Invocation-Type`
 * `RequestResponse` (default: 200 with the response, or with `X-Amz-Function-Error:
 * Unhandled` and the error), `Event` (202 at once) or `DryRun` (204). Errors come as the
 * service sends them: `x-amzn-ErrorType` and a JSON body (`TooManyRequestsException` 429,
 * `ResourceNotFoundException` 404, `ServiceException` 500). Signatures are not checked.
 */

/** A server the twin started, and how to stop it. */
export interface HttpFront {
  url: string;
  close(): Promise<void>;
}

const INVOKE = /^\/2015-03-31\/functions\/([^/]+)\/invocations(?:\?.*)?$/;

/** Start the Invoke API for a twin. */
export async function startInvokeFront(twin: LambdaTwin): Promise<HttpFront> {
  const server = createServer((req, res) => {
    handle(twin, req, res).catch((error) => {
      serviceError(res, 500, 'ServiceException', String((error as Error)?.message ?? error));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}

async function handle(twin: LambdaTwin, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const match = INVOKE.exec(req.url ?? '');
  if (req.method !== 'POST' || !match) {
    serviceError(res, 404, 'UnknownOperationException', `no operation ${req.method} ${req.url}`);
    return;
  }
  // A name, or an ARN whose last part is the name (a qualifier may follow it).
  const named = decodeURIComponent(match[1]!);
  const name = named.includes(':function:') ? named.split(':function:')[1]!.split(':')[0]! : named;
  const body = (await readBody(req)).toString() || '{}';
  if (!twin.has(name)) {
    serviceError(res, 404, 'ResourceNotFoundException', `Function not found: ${named}`);
    return;
  }
  const type = String(req.headers['x-amz-invocation-type'] ?? 'RequestResponse');
  if (type === 'DryRun') {
    res.writeHead(204).end();
    return;
  }
  if (type !== 'Event' && type !== 'RequestResponse') {
    serviceError(res, 400, 'InvalidParameterValueException', `unknown invocation type ${type}`);
    return;
  }
  const answer = await twin.run(name, type, body);
  switch (answer.kind) {
    case 'throttled':
      serviceError(res, 429, 'TooManyRequestsException', 'Rate Exceeded.', {
        Reason: 'ReservedFunctionConcurrentInvocationLimitExceeded',
      });
      return;
    case 'fault':
      if (answer.fault === 'throttle')
        serviceError(res, 429, 'TooManyRequestsException', 'Rate Exceeded.', {
          Reason: 'CallerRateLimitExceeded',
        });
      else serviceError(res, 500, 'ServiceException', 'injected service error');
      return;
    case 'error':
      res.writeHead(200, {
        'content-type': 'application/json',
        'x-amz-function-error': 'Unhandled',
        'x-amz-executed-version': '$LATEST',
      });
      res.end(answer.body);
      return;
    case 'stream': {
      // A streaming function invoked for a buffered response: the whole stream.
      const chunks: Buffer[] = [];
      for await (const chunk of answer.body) chunks.push(chunk as Buffer);
      res.writeHead(200, { 'content-type': answer.contentType });
      res.end(Buffer.concat(chunks));
      return;
    }
    case 'response':
      if (type === 'Event') {
        res.writeHead(202, { 'content-length': '0' }).end();
        return;
      }
      res.writeHead(200, {
        'content-type': 'application/json',
        'x-amz-executed-version': '$LATEST',
      });
      res.end(answer.body);
  }
}

/** An error as the Lambda service sends one (the SDK reads `x-amzn-ErrorType`). */
function serviceError(
  res: ServerResponse,
  status: number,
  type: string,
  message: string,
  extra: Record<string, unknown> = {},
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, {
    'content-type': 'application/json',
    'x-amzn-errortype': type,
    'x-amzn-requestid': crypto.randomUUID(),
  });
  res.end(JSON.stringify({ Type: status >= 500 ? 'Service' : 'User', message, ...extra }));
}
