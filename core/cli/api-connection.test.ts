import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connect, DEFAULT_API_URL, LOCAL_KEY_FILE } from './api-connection.ts';

const root = mkdtempSync(join(tmpdir(), 'noob-connect-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A folder holding a key where `noob serve` keeps it. */
function withLocalKey(name: string, key: string): string {
  const dir = join(root, name);
  mkdirSync(join(dir, '.noob'), { recursive: true });
  writeFileSync(join(dir, LOCAL_KEY_FILE), `${key}\n`);
  return dir;
}

/** The key a connection sends, read off a request to a loopback server. */
async function keySent(url: string, key: string | undefined, env: NodeJS.ProcessEnv, cwd: string) {
  const seen: string[] = [];
  const server = createServer((request, response) => {
    seen.push(request.headers.authorization ?? '');
    response.setHeader('content-type', 'application/json');
    response.end('{"workers":[]}');
  }).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const port = (server.address() as AddressInfo).port;
  try {
    const { client } = connect({ url: url.replace('PORT', String(port)), key }, env, cwd);
    await client.listWorkers();
    return seen[0];
  } finally {
    server.close();
  }
}

describe('connect', () => {
  it('default: the local noob serve, with the key it keeps in this folder', async () => {
    const dir = withLocalKey('a', 'noob_local');
    expect(connect({}, {}, dir).url).toBe(DEFAULT_API_URL);
    expect(await keySent('http://127.0.0.1:PORT', undefined, {}, dir)).toBe('Bearer noob_local');
  });

  it('behavior: --key wins over NOOB_KEY, which wins over the kept key; --url over NOOB_URL', async () => {
    const dir = withLocalKey('b', 'noob_local');
    const env = { NOOB_KEY: 'noob_env', NOOB_URL: 'http://127.0.0.1:1' };
    expect(await keySent('http://127.0.0.1:PORT', 'noob_flag', env, dir)).toBe('Bearer noob_flag');
    expect(await keySent('http://127.0.0.1:PORT', undefined, env, dir)).toBe('Bearer noob_env');
    expect(connect({}, env, dir).url).toBe('http://127.0.0.1:1');
  });

  it('error: the kept key is never sent to another machine: no key, a usage error', () => {
    const dir = withLocalKey('c', 'noob_local');
    expect(() => connect({ url: 'http://noob.example.com' }, {}, dir)).toThrow(
      /no API key for http:\/\/noob\.example\.com: give --key KEY or set NOOB_KEY/,
    );
  });

  it('behavior: a request the server drops on a kept-alive connection is sent once more', async () => {
    let requests = 0;
    const server = createServer((request, response) => {
      requests++;
      // The first request meets a connection closed under it, as when a keep-alive times out.
      if (requests === 1) return request.socket.destroy();
      response.setHeader('content-type', 'application/json');
      response.end('{"workers":[]}');
    }).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const { client } = connect({ url, key: 'k' }, {}, root);
      expect(await client.listWorkers()).toEqual([]);
      expect(requests).toBe(2);
    } finally {
      server.close();
    }
  });
});
