import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type IdleDroppingProxy,
  startIdleDroppingProxy,
} from '../../../test/queue/idle-dropping-proxy.ts';
import { type Sqld, startSqld } from '../../../test/queue/sqld.ts';
import { HranaHttpClient } from './hrana-http.ts';
import { openRemoteDriver } from './remote.ts';

// A kept-alive connection that went stale while idle (a proxy in front of a real sqld
// forgot it, and resets it at the next request): a read is sent again once on a new
// connection, a write is not (the client cannot tell the server did not get it). One
// statement (`execute`, not a batch) is a read when the server's SQLite judges it so.

let sqld: Sqld;
let proxy: IdleDroppingProxy;
beforeAll(async () => {
  sqld = await startSqld();
  proxy = await startIdleDroppingProxy(sqld.url);
  const setup = new HranaHttpClient(sqld.url);
  await setup.execute({ sql: 'CREATE TABLE kept (k TEXT PRIMARY KEY)', params: [] });
  await setup.execute({ sql: 'CREATE TABLE seen (k TEXT PRIMARY KEY)', params: [] });
  setup.close();
});
afterAll(async () => {
  await proxy.close();
  await sqld.stop();
});

const count = { sql: 'SELECT count(*) AS n FROM kept', params: [] };

describe('the Hrana HTTP client on a stale kept-alive connection', () => {
  it('behavior: a read batch on a connection reset at its first write is sent again, once, and answers', async () => {
    const client = new HranaHttpClient(proxy.url);
    try {
      expect(await client.batch([count], 'read')).toEqual([{ rows: [{ n: 0 }], changes: 0 }]);
      const connections = proxy.connections;
      proxy.forgetAll();
      expect(await client.batch([count], 'read')).toEqual([{ rows: [{ n: 0 }], changes: 0 }]);
      expect(proxy.dropped).toBeGreaterThanOrEqual(1);
      expect(proxy.connections).toBe(connections + 1);
    } finally {
      client.close();
    }
  });

  it("behavior: the queue driver's reads (read and read-relaxed) get through a stale connection", async () => {
    const driver = await openRemoteDriver(proxy.url);
    try {
      for (const mode of ['read', 'read-relaxed'] as const) {
        await driver.batch([count], mode);
        proxy.forgetAll();
        const [result] = await driver.batch([count], mode);
        expect(result!.rows).toEqual([{ n: 0 }]);
      }
    } finally {
      await driver.close();
    }
  });

  it('error: a write batch on a stale connection fails by name and is not sent again', async () => {
    const client = new HranaHttpClient(proxy.url);
    const insert = (k: string) => ({ sql: 'INSERT INTO kept VALUES (?)', params: [k] });
    try {
      await client.batch([count], 'read');
      const { dropped, connections } = proxy;
      proxy.forgetAll();
      await expect(client.batch([insert('stale')], 'write')).rejects.toMatchObject({
        name: 'RemoteSqlError',
        code: expect.stringMatching(/^(ECONNRESET|EPIPE)$/),
        message: expect.stringContaining(`${proxy.url} could not be reached`),
      });
      expect(proxy.dropped).toBe(dropped + 1);
      // No second connection was made for it: the write was tried once.
      expect(proxy.connections).toBe(connections);
      // The next write, on a new connection, goes through.
      await client.batch([insert('fresh')], 'write');
      const [kept] = await client.batch(
        [{ sql: 'SELECT k FROM kept ORDER BY k', params: [] }],
        'read',
      );
      expect(kept!.rows).toEqual([{ k: 'fresh' }]);
    } finally {
      client.close();
    }
  });

  it('error: a read whose new connection is reset too fails by name: it is sent again once only', async () => {
    const client = new HranaHttpClient(proxy.url);
    try {
      await client.batch([count], 'read');
      const { dropped } = proxy;
      proxy.forgetAll();
      // The stale connection is reset; so is the new one, forgotten as soon as it is made.
      proxy.forgetNew(true);
      try {
        await expect(client.batch([count], 'read')).rejects.toMatchObject({
          name: 'RemoteSqlError',
          code: expect.stringMatching(/^(ECONNRESET|EPIPE)$/),
        });
      } finally {
        proxy.forgetNew(false);
      }
      expect(proxy.dropped).toBe(dropped + 2);
    } finally {
      client.close();
    }
  });
});

const seenCount = { sql: 'SELECT count(*) AS n FROM seen', params: [] };
const keys = { sql: 'SELECT k FROM seen ORDER BY k', params: [] };

/** `client` with a kept-alive connection that the proxy then forgets. */
async function staleConnectionOf(client: { execute: HranaHttpClient['execute'] }) {
  await client.execute(seenCount);
  proxy.forgetAll();
}

describe('one statement on a stale kept-alive connection', () => {
  it('behavior: a SELECT is sent again, once, on a new connection, and answers', async () => {
    const client = new HranaHttpClient(proxy.url);
    try {
      await staleConnectionOf(client);
      const { dropped } = proxy;
      expect(await client.execute(seenCount)).toEqual({ rows: [{ n: 0 }], changes: 0 });
      expect(proxy.dropped).toBe(dropped + 1);
    } finally {
      client.close();
    }
  });

  it("behavior: SQLite's judgement decides, not the text: a PRAGMA that reads goes again", async () => {
    const driver = await openRemoteDriver(proxy.url);
    try {
      await staleConnectionOf(driver);
      const { rows } = await driver.execute({ sql: 'PRAGMA quick_check', params: [] });
      expect(rows).toEqual([{ quick_check: 'ok' }]);
    } finally {
      await driver.close();
    }
  });

  it.each([
    ['an INSERT', "INSERT INTO seen VALUES ('stale')"],
    // SQLite's judgement, not the first word's.
    [
      'a write that does not start with its verb',
      "WITH k AS (SELECT 'hidden') INSERT INTO seen SELECT * FROM k",
    ],
  ])('error: %s is not sent again: it fails by name and its row is not there', async (_, sql) => {
    const client = new HranaHttpClient(proxy.url);
    try {
      await staleConnectionOf(client);
      const { dropped } = proxy;
      await expect(client.execute({ sql, params: [] })).rejects.toMatchObject({
        name: 'RemoteSqlError',
        code: expect.stringMatching(/^(ECONNRESET|EPIPE)$/),
        message: expect.stringContaining(`${proxy.url} could not be reached`),
      });
      expect(proxy.dropped).toBe(dropped + 1);
      // Sent again, it would be there (the proxy reset the first before the server saw it).
      expect((await client.execute(keys)).rows).toEqual([]);
    } finally {
      client.close();
    }
  });

  it('error: a read whose new connections are reset too fails by name: it is sent again once only', async () => {
    const client = new HranaHttpClient(proxy.url);
    try {
      await staleConnectionOf(client);
      proxy.forgetNew(true);
      try {
        await expect(client.execute(seenCount)).rejects.toMatchObject({
          name: 'RemoteSqlError',
          code: expect.stringMatching(/^(ECONNRESET|EPIPE)$/),
        });
      } finally {
        proxy.forgetNew(false);
      }
      // And the client goes on once the network does.
      expect((await client.execute(seenCount)).rows).toEqual([{ n: 0 }]);
    } finally {
      client.close();
    }
  });
});
