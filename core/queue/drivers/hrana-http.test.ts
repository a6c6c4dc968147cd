import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sqld, startSqld } from '../../../test/queue/sqld.ts';
import { HranaHttpClient } from './hrana-http.ts';
import { openRemoteDriver } from './remote.ts';

let sqld: Sqld;
let client: HranaHttpClient;
beforeAll(async () => {
  sqld = await startSqld();
  client = new HranaHttpClient(sqld.url);
});
afterAll(async () => {
  client.close();
  await sqld.stop();
});

describe('the Hrana HTTP client', () => {
  it('behavior: values of every kind go and come back as the queue binds them', async () => {
    await client.execute({
      sql: 'CREATE TABLE kinds (i INTEGER, f REAL, t TEXT, b BLOB, n)',
      params: [],
    });
    const blob = new Uint8Array([0, 1, 254, 255]);
    await client.execute({
      sql: 'INSERT INTO kinds VALUES (:i, :f, :t, :b, :n)',
      params: { i: 2n ** 40n, f: 1.5, t: 'é ✓', b: blob, n: null },
    });
    const { rows } = await client.execute({
      sql: 'SELECT * FROM kinds WHERE i = ?1',
      params: [2 ** 40],
    });
    expect(rows).toEqual([{ i: 2 ** 40, f: 1.5, t: 'é ✓', b: Buffer.from(blob), n: null }]);
  });

  it('behavior: a batch is one transaction: a failing statement undoes the ones before it', async () => {
    await client.execute({ sql: 'CREATE TABLE once (k TEXT PRIMARY KEY)', params: [] });
    const insert = (k: string) => ({ sql: 'INSERT INTO once VALUES (:k)', params: { k } });
    await client.batch([insert('a')], 'write');
    const failing = client.batch([insert('b'), insert('a'), insert('c')], 'write');
    await expect(failing).rejects.toMatchObject({
      name: 'RemoteSqlError',
      code: expect.stringMatching(/^SQLITE_CONSTRAINT/),
      message: expect.stringContaining('INSERT INTO once'),
    });
    const { rows } = await client.execute({ sql: 'SELECT k FROM once ORDER BY k', params: [] });
    expect(rows).toEqual([{ k: 'a' }]);
    // The server is not left inside the failed transaction: the next batch commits.
    expect(await client.batch([insert('d')], 'write')).toEqual([{ rows: [], changes: 1 }]);
  });

  it('behavior: an interactive transaction commits, or leaves nothing when closed before', async () => {
    await client.execute({ sql: 'CREATE TABLE tx (v INTEGER)', params: [] });
    const kept = await client.transaction();
    await kept.execute({ sql: 'INSERT INTO tx VALUES (1)', params: [] });
    await kept.commit();
    await kept.close();
    const dropped = await client.transaction();
    await dropped.execute({ sql: 'INSERT INTO tx VALUES (2)', params: [] });
    await dropped.close();
    const { rows } = await client.execute({ sql: 'SELECT v FROM tx', params: [] });
    expect(rows).toEqual([{ v: 1 }]);
  });

  it('error: a server answering with an HTTP error is named, with its status and text', async () => {
    const server = createServer((_, answer) => answer.writeHead(503).end('overloaded'));
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
    const { port } = server.address() as { port: number };
    const broken = new HranaHttpClient(`http://127.0.0.1:${port}`);
    try {
      await expect(broken.execute({ sql: 'SELECT 1', params: [] })).rejects.toMatchObject({
        name: 'RemoteSqlError',
        code: 'HTTP_503',
        message: expect.stringMatching(/127\.0\.0\.1:\d+ answered HTTP 503: overloaded/),
      });
    } finally {
      broken.close();
      server.close();
    }
  });

  it('error: a server that is not there is named, with the reason', async () => {
    const server = createServer();
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
    const { port } = server.address() as { port: number };
    await new Promise((closed) => server.close(closed));
    const gone = new HranaHttpClient(`http://127.0.0.1:${port}`);
    try {
      await expect(gone.execute({ sql: 'SELECT 1', params: [] })).rejects.toMatchObject({
        name: 'RemoteSqlError',
        code: 'ECONNREFUSED',
        message: expect.stringContaining(`server at http://127.0.0.1:${port} could not be reached`),
      });
    } finally {
      gone.close();
    }
  });

  it('behavior: a ws:// URL goes through the WebSocket client, with the same answers', async () => {
    const driver = await openRemoteDriver(sqld.url.replace(/^http/, 'ws'));
    try {
      const [result] = await driver.batch([{ sql: 'SELECT 1 + :a AS x', params: { a: 1 } }]);
      expect(result!.rows).toEqual([{ x: 2 }]);
    } finally {
      await driver.close();
    }
  });
});
