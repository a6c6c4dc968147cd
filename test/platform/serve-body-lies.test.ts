import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, cleanUpServes, type ServeProcess, startServe, tempDb } from './serve-process.ts';

/**
 * POST /v1/jobs judges a body by its Content-Length (functions/api/body-limit.ts): a
 * request whose header lies, or that has none, must be refused without a job stored and
 * without the server waiting on it for good.
 */

let serve: ServeProcess;
beforeAll(async () => {
  serve = await startServe(tempDb(), ['--workers', '1']);
});
afterAll(cleanUpServes);

/** Send `head` and `body` as they are on one connection; what came back before it closed. */
async function raw(head: string[], body: string | Buffer = '', endWrite = true): Promise<string> {
  const { hostname, port } = new URL(serve.url);
  const socket = connect(Number(port), hostname);
  let answer = '';
  socket.on('data', (chunk: Buffer) => {
    answer += chunk.toString();
  });
  const closed = new Promise<void>((done) => socket.once('close', () => done()));
  socket.on('error', () => undefined);
  const lines = [
    'POST /v1/jobs HTTP/1.1',
    'Host: 127.0.0.1',
    `Authorization: Bearer ${serve.key}`,
    'Content-Type: application/json',
    ...head,
  ];
  socket.write(`${lines.join('\r\n')}\r\n\r\n`);
  socket.write(body);
  if (endWrite) socket.end();
  // Bounded: a server still waiting after this is the failure.
  const waited = setTimeout(() => socket.destroy(), 10_000);
  await closed;
  clearTimeout(waited);
  return answer;
}

const job = JSON.stringify({ tube: 'testing-basic', epochs: 1 });
const statuses = (answer: string) => [...answer.matchAll(/^HTTP\/1\.1 (\d{3})/gm)].map((m) => m[1]);

describe('POST /v1/jobs with a Content-Length that lies', () => {
  it('error: a declared size past any number is refused, the body unread', async () => {
    const answer = await raw(['Content-Length: 99999999999999999999999999'], job);
    expect(statuses(answer)[0]).toMatch(/^4\d\d$/);
  });

  it('error: a chunked body past the limit is counted as it comes and refused with 413', async () => {
    const big = JSON.stringify({ tube: 'testing-basic', payload: 'x'.repeat(2 * 1024 * 1024) });
    const chunks = [];
    for (let at = 0; at < big.length; at += 64 * 1024) {
      const part = big.slice(at, at + 64 * 1024);
      chunks.push(`${Buffer.byteLength(part).toString(16)}\r\n${part}\r\n`);
    }
    const answer = await raw(['Transfer-Encoding: chunked'], `${chunks.join('')}0\r\n\r\n`);
    expect(statuses(answer)[0]).toBe('413');
  });

  it('error: a body longer than declared is cut at the declared size; the rest is no request', async () => {
    // The declared part is not JSON; what follows it is not HTTP.
    const answer = await raw([`Content-Length: ${job.length - 5}`], job);
    expect(statuses(answer)).not.toContain('202');
    expect(statuses(answer)[0]).toBe('400');
  });

  it('error: a body shorter than declared, then the client stops sending, stores nothing and ends', async () => {
    const answer = await raw([`Content-Length: ${job.length + 100}`], job);
    expect(statuses(answer)).not.toContain('202');
  });

  it('error: a header value of 100 kB is refused (431) and the connection closed', async () => {
    const answer = await raw(
      [`X-Filler: ${'a'.repeat(100_000)}`, `Content-Length: ${job.length}`],
      job,
    );
    // Node answers 431 and closes; the close can reset the connection before the answer
    // is read (the client was still sending), so the answer may be lost, never a 202.
    expect(statuses(answer)).not.toContain('202');
    expect(['431', undefined]).toContain(statuses(answer)[0]);
  });

  it('behavior: after all of these no job was stored, and an honest request is still served', async () => {
    const { body } = await api(serve.url, serve.key, '/v1/jobs');
    expect(body.jobs).toEqual([]);
    const ok = await raw(
      [`Content-Length: ${Buffer.byteLength(job)}`, 'Connection: close'],
      job,
      false,
    );
    expect(statuses(ok)).toEqual(['202']);
  });
});
