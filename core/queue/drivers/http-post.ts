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

/** Options of one POST. */
export interface PostOptions {
  /**
   * Send it again, once, on a new connection when the kept-alive one it went on turns out
   * stale: reset (or its pipe broken) before a byte of the answer. Only for a request the
   * server may get twice (a read): a reset does not say the server did not get it. A
   * function is asked only then, whether this request may go again (a statement only the
   * server can judge a read, see drivers/hrana-http.ts).
   */
  resendStale?: boolean | (() => Promise<boolean>);
}

/**
 * A poster with its own agents (closed by `close`): one per driver, so a closed queue
 * leaves no socket open behind it. TLS is loaded on the first `https:` URL only (Turso):
 * a local sqld does not need it.
 *
 * Why a stale connection is resent on a new one, not through the agent: a server, proxy
 * or load balancer that closes connections left idle closes them all, and the agent's
 * next free one may be as stale as the first. For the same reason, once one is found
 * stale the agent's other idle connections are closed: the next request (the `describe`
 * asking whether a statement reads, a caller's own retry of a write) opens a live one
 * instead of meeting the next dropped connection, one failure per idle connection.
 */
export function httpPoster(timeoutMs = DEFAULT_ANSWER_TIMEOUT_MS): {
  post(
    url: URL,
    body: string,
    headers: Record<string, string>,
    options?: PostOptions,
  ): Promise<HttpAnswer>;
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
    async post(url, body, headers, options = {}) {
      const { request, agent } = clientFor(url.protocol);
      const data = Buffer.from(body);
      const first = postOnce(request, url, data, headers, agent, timeoutMs);
      try {
        return await first.answer;
      } catch (error) {
        if (!first.stale(error)) throw error;
        closeIdle(agent);
        if (!options.resendStale) throw error;
        if (options.resendStale !== true && !(await options.resendStale())) throw error;
        // `agent: false`: a connection of its own, closed after the answer.
        return postOnce(request, url, data, headers, false, timeoutMs).answer;
      }
    },
    close() {
      for (const agent of agents.values()) agent.destroy();
      agents.clear();
    },
  };
}

/** Closes `agent`'s idle kept-alive connections (as stale, likely, as one just found so). */
function closeIdle(agent: HttpAgent): void {
  for (const sockets of Object.values(agent.freeSockets)) {
    for (const socket of sockets ?? []) socket.destroy();
  }
}

/** Errors of a connection that was dead before the request went out on it. */
const STALE_CODES = new Set(['ECONNRESET', 'EPIPE']);

/**
 * One POST; `stale(error)` says whether `error` was its kept-alive connection found dead
 * (reused, reset before any answer).
 */
function postOnce(
  request: typeof http.request,
  url: URL,
  data: Buffer,
  headers: Record<string, string>,
  agent: HttpAgent | false,
  timeoutMs: number,
): { answer: Promise<HttpAnswer>; stale(error: unknown): boolean } {
  let answered = false;
  let reused = false;
  const answer = new Promise<HttpAnswer>((done, fail) => {
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
      (response) => {
        answered = true;
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.once('error', fail);
        response.once('end', () =>
          done({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
        );
      },
    );
    sent.once('error', (error) => {
      reused = sent.reusedSocket;
      fail(error);
    });
    // Idle time on the socket: a long answer that keeps coming is not cut.
    sent.setTimeout(timeoutMs, () => {
      const silent = new Error(`no answer in ${timeoutMs} ms`) as NodeJS.ErrnoException;
      silent.code = 'ETIMEDOUT';
      sent.destroy(silent);
    });
    sent.end(data);
  });
  return {
    answer,
    stale: (error) =>
      reused && !answered && STALE_CODES.has(String((error as NodeJS.ErrnoException)?.code)),
  };
}
