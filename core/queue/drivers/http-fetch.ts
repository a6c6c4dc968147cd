import { Agent, request as httpRequest, type IncomingMessage } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';

/**
 * A `fetch` for the remote driver, built on `node:http` (`node:https` for `https:`) with a
 * keep-alive agent, asking for uncompressed answers.
 *
 * Why not the global `fetch`: its first call in a process sets up undici's HTTP client
 * (its parser is WebAssembly, compiled then), which was most of a worker Lambda's
 * connection time at every cold start; `node:http` is already loaded there (the runtime
 * client uses it) and its parser is native. Why uncompressed: sqld gzips every answer
 * unless told otherwise, and the queue's answers are small: inflating each one cost a
 * runner about a third of its CPU (bench lambda's map), and a worker Lambda bills CPU
 * by the ms.
 *
 * It serves `@libsql/client`, which sends `Request` objects with a small body and reads
 * whole answers: the answer is read in full, then handed over as a `Response`.
 */
export type HttpFetch = (input: Request | string | URL, init?: RequestInit) => Promise<Response>;

/** Sockets kept open per server: the queue's own operations rarely overlap more. */
const MAX_FREE_SOCKETS = 16;

/** Answers with no body by definition (a `Response` refuses one). */
const NO_BODY = new Set([101, 204, 205, 304]);

/**
 * A fetch with its own agents (closed by `close`): one per driver, so a closed queue
 * leaves no socket open behind it.
 */
export function httpFetch(): { fetch: HttpFetch; close(): void } {
  const http = new Agent({ keepAlive: true, maxFreeSockets: MAX_FREE_SOCKETS });
  // Loaded on the first https URL only (Turso): tls is not needed for a local sqld.
  let https: { agent: HttpsAgent; request: typeof httpRequest } | undefined;
  const secure = () => {
    https ??= (() => {
      const { Agent: SecureAgent, request } = process.getBuiltinModule('node:https');
      return {
        agent: new SecureAgent({ keepAlive: true, maxFreeSockets: MAX_FREE_SOCKETS }),
        request,
      };
    })();
    return https;
  };
  const fetch: HttpFetch = async (input, init) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => {
      headers[name] = value;
    });
    headers['accept-encoding'] = 'identity';
    const body = request.body ? Buffer.from(await request.arrayBuffer()) : undefined;
    if (body) headers['content-length'] = String(body.length);
    const client = url.protocol === 'https:' ? secure() : { agent: http, request: httpRequest };
    const answer = await new Promise<IncomingMessage>((done, fail) => {
      const sent = client.request(
        url,
        { method: request.method, headers, agent: client.agent, signal: request.signal },
        done,
      );
      sent.once('error', fail);
      sent.end(body);
    });
    const chunks: Buffer[] = [];
    for await (const chunk of answer) chunks.push(chunk as Buffer);
    const status = answer.statusCode ?? 500;
    const answerHeaders = new Headers();
    for (const [name, value] of Object.entries(answer.headers)) {
      if (value === undefined) continue;
      for (const one of Array.isArray(value) ? value : [value]) answerHeaders.append(name, one);
    }
    return new Response(NO_BODY.has(status) ? null : Buffer.concat(chunks), {
      status,
      statusText: answer.statusMessage ?? '',
      headers: answerHeaders,
    });
  };
  return {
    fetch,
    close() {
      http.destroy();
      https?.agent.destroy();
    },
  };
}
