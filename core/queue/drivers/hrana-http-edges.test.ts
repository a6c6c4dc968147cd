import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sqld, startSqld } from '../../../test/queue/sqld.ts';
import { HranaHttpClient } from './hrana-http.ts';

// The remote queue's HTTP client against a real sqld, at the edges the queue can meet:
// values @libsql/client carried, the server's error codes callers match, a transaction
// left open, and a server that restarts or drops a connection between requests.

let sqld: Sqld;
let client: HranaHttpClient;
beforeAll(async () => {
  sqld = await startSqld();
  client = new HranaHttpClient(sqld.url);
  await client.execute({ sql: 'CREATE TABLE u (k TEXT PRIMARY KEY, v NOT NULL)', params: [] });
});
afterAll(async () => {
  client.close();
  await sqld.stop();
});

const one = async (sql: string, params: unknown[] = []) =>
  (await client.execute({ sql, params: params as never })).rows[0];

describe('the Hrana HTTP client at the edges', () => {
  it('behavior: empty text and blob, unicode with NUL, floats and integers at 2^53 come back as sent', async () => {
    const blob = new Uint8Array([0, 0xff]);
    expect(
      await one("SELECT ? AS e, ? AS u, ? AS f, ? AS n, ? AS b, x'' AS eb, ? AS top, ? AS low", [
        '',
        '𝄞 é\u0000x',
        0.1,
        null,
        blob,
        2 ** 53 - 1,
        -(2n ** 53n) + 1n,
      ]),
    ).toEqual({
      e: '',
      u: '𝄞 é\u0000x',
      f: 0.1,
      n: null,
      b: Buffer.from(blob),
      eb: Buffer.alloc(0),
      top: 2 ** 53 - 1,
      low: -(2 ** 53) + 1,
    });
  });

  it('error: an integer past 2^53 is refused by name, not rounded', async () => {
    await expect(one('SELECT 9007199254740993 AS big')).rejects.toThrow(/9007199254740993/);
    await expect(one('SELECT ? AS big', [-(2n ** 63n)])).rejects.toThrow(/-9223372036854775808/);
  });

  it("error: a refused statement carries the server's code, as callers match it", async () => {
    await client.execute({ sql: "INSERT INTO u VALUES ('a', 1)", params: [] });
    const unique = { sql: "INSERT INTO u VALUES ('a', 1)", params: [] };
    const notNull = { sql: "INSERT INTO u VALUES ('b', NULL)", params: [] };
    for (const statement of [unique, notNull]) {
      await expect(client.execute(statement)).rejects.toMatchObject({
        name: 'RemoteSqlError',
        code: 'SQLITE_CONSTRAINT',
      });
      await expect(client.batch([statement], 'write')).rejects.toMatchObject({
        name: 'RemoteSqlError',
        code: 'SQLITE_CONSTRAINT',
        message: expect.stringMatching(/UNIQUE|NOT NULL/),
      });
    }
  });

  it('error: a transaction left open loses its lock to another writer, and its commit then fails', async () => {
    const other = new HranaHttpClient(sqld.url);
    const open = await client.transaction();
    try {
      await open.execute({ sql: "INSERT INTO u VALUES ('left', 1)", params: [] });
      // The other writer waits for sqld's transaction timeout, then commits.
      await other.batch([{ sql: "INSERT INTO u VALUES ('other', 1)", params: [] }], 'write');
      await expect(
        open.execute({ sql: "INSERT INTO u VALUES ('late', 1)", params: [] }),
      ).rejects.toMatchObject({ name: 'RemoteSqlError', code: 'TRANSACTION_TIMEOUT' });
      await expect(open.commit()).rejects.toMatchObject({ name: 'RemoteSqlError' });
    } finally {
      await open.close();
      other.close();
    }
    const { rows } = await client.execute({
      sql: "SELECT k FROM u WHERE k IN ('left', 'other', 'late') ORDER BY k",
      params: [],
    });
    expect(rows).toEqual([{ k: 'other' }]);
  });

  it('behavior: a server restarted between requests is met on a new connection; a transaction across it fails by name', async () => {
    await one('SELECT 1');
    const across = await client.transaction();
    await sqld.restart(0);
    expect(await one('SELECT 2 AS two')).toEqual({ two: 2 });
    await expect(
      across.execute({ sql: "INSERT INTO u VALUES ('across', 1)", params: [] }),
    ).rejects.toMatchObject({ name: 'RemoteSqlError', code: 'HTTP_400' });
    await across.close();
  });

  it('error: a server that stops answering (sqld stopped) fails by name after the timeout, not never', async () => {
    const patient = new HranaHttpClient(sqld.url, { timeoutMs: 300 });
    await patient.execute({ sql: 'SELECT 1', params: [] });
    // Idle longer than the timeout, a connection kept alive is still used as it was.
    await new Promise((idle) => setTimeout(idle, 600));
    expect((await patient.execute({ sql: 'SELECT 2 AS x', params: [] })).rows).toEqual([{ x: 2 }]);
    sqld.child.kill('SIGSTOP');
    try {
      // On the connection kept alive, then on a new one.
      for (let i = 0; i < 2; i++) {
        await expect(patient.execute({ sql: 'SELECT 1', params: [] })).rejects.toMatchObject({
          name: 'RemoteSqlError',
          code: 'ETIMEDOUT',
          message: expect.stringContaining(`${sqld.url} could not be reached`),
        });
      }
    } finally {
      sqld.child.kill('SIGCONT');
    }
    expect((await patient.execute({ sql: 'SELECT 3 AS x', params: [] })).rows).toEqual([{ x: 3 }]);
    patient.close();
  });

  it('error: a connection dropped before the answer fails by name and is not sent again', async () => {
    // A write whose answer was lost may have been applied: the client must not repeat it.
    let seen = 0;
    const server = createServer((request) => {
      request.resume();
      request.on('end', () => {
        seen++;
        request.socket.destroy();
      });
    });
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
    const { port } = server.address() as { port: number };
    const dropping = new HranaHttpClient(`http://127.0.0.1:${port}`);
    try {
      await expect(
        dropping.batch([{ sql: "INSERT INTO u VALUES ('x', 1)", params: [] }], 'write'),
      ).rejects.toMatchObject({ name: 'RemoteSqlError', code: 'ECONNRESET' });
      expect(seen).toBe(1);
    } finally {
      dropping.close();
      server.close();
    }
  });
});
