import type { Agent as HttpAgent } from 'node:http';

/**
 * POSTing to a libSQL server over `node:http` (`node:https` for `https:`), with keep-alive
 * agents, asking for uncompressed answers.
 *
 * Why `node:http` and not `fetch`: the global `fetch` (and `Request`, `Headers`,
 * `Response`) load undici, about 20 ms of CPU, and its first call compiles undici's
 * WebAssembly parser: most of a worker Lambda's cold start beyond its imports. The
 * runtime client has `node:http` loaded already, and its parser is native. Why
 * uncompressed: sqld gzips every answer unless told otherwise, and the queue's answers
 * are small: inflating each one cost a runner about a third of its CPU (bench lambda's
 * map), and a worker Lambda bills CPU by the ms.
 */

// CommonJS modules, not ES imports: the ES namespace of `node:http` reads every export,
// and Node 22's `http.WebSocket` getter loads undici (with tls, http2 and zlib) as it does.
const http = process.getBuiltinModule('node:http');

/** A server's answer, read whole. */
export interface HttpAnswer {
  status: number;
  body: string;
}

/** Sockets kept open per server: the queue's own operations rarely overlap more. */
const MAX_FREE_SOCKETS = 16;

/**
 * How long a request may go without a byte from the server by default (ms). `node:http`
 * has no limit of its own: a server stopped, or a connection lost without a reset, left
 * the queue's caller waiting for good (fetch, which @libsql/client used, gave up after
 * 300 s). Above sqld's 5 s transaction timeout, which a write may wait out.
 */
export const DEFAULT_ANSWER_TIMEOUT_MS = 60_000;

/**
 * A poster with its own agents (closed by `close`): one per driver, so a closed queue
 * leaves no socket open behind it. TLS is loaded on the first `https:` URL only (Turso):
 * a local sqld does not need it.
 */
export function httpPoster(timeoutMs = DEFAULT_ANSWER_TIMEOUT_MS): {
  post(url: URL, body: string, headers: Record<string, string>): Promise<HttpAnswer>;
  close(): void;
} {
  const agents = new Map<string, HttpAgent>();
  const clientFor = (protocol: string) => {
    const module = protocol === 'https:' ? process.getBuiltinModule('node:https') : http;
    let agent = agents.get(protocol);
    if (!agent) {
      agent = new module.Agent({ keepAlive: true, maxFreeSockets: MAX_FREE_SOCKETS });
      agents.set(protocol, agent);
    }
    return { request: module.request, agent };
  };
  return {
    post(url, body, headers) {
      const { request, agent } = clientFor(url.protocol);
      const data = Buffer.from(body);
      return new Promise<HttpAnswer>((done, fail) => {
        const sent = request(
          url,
          {
            method: 'POST',
            agent,
            headers: {
              ...headers,
              'accept-encoding': 'identity',
              'content-length': String(data.length),
            },
          },
          (answer) => {
            const chunks: Buffer[] = [];
            answer.on('data', (chunk: Buffer) => chunks.push(chunk));
            answer.once('error', fail);
            answer.once('end', () =>
              done({ status: answer.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
            );
          },
        );
        sent.once('error', fail);
        // Idle time on the socket: a long answer that keeps coming is not cut.
        sent.setTimeout(timeoutMs, () => {
          const silent = new Error(`no answer in ${timeoutMs} ms`) as NodeJS.ErrnoException;
          silent.code = 'ETIMEDOUT';
          sent.destroy(silent);
        });
        sent.end(data);
      });
    },
    close() {
      for (const agent of agents.values()) agent.destroy();
      agents.clear();
    },
  };
}
