import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDriver } from '../../core/queue/open.ts';
import { runNoob } from '../../test/cli/run-noob.ts';
import { startSqld } from '../../test/queue/sqld.ts';
import { KeyStore } from './keys.ts';

const root = mkdtempSync(join(tmpdir(), 'noob-keys-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

async function store() {
  const driver = await openDriver(join(root, `k${n++}.db`));
  return { driver, keys: new KeyStore(driver) };
}

describe('KeyStore', () => {
  it('default: a created key authenticates as its tenant', async () => {
    const { driver, keys } = await store();
    const created = await keys.create('acme');
    expect(created.key).toMatch(/^noob_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(await keys.verify(created.key)).toBe('acme');
    await driver.close();
  });

  it('behavior: only a hash of the key is stored', async () => {
    const { driver, keys } = await store();
    const { key, id } = await keys.create('acme');
    const { rows } = await driver.execute({ sql: 'SELECT * FROM api_keys', params: {} });
    expect(rows).toHaveLength(1);
    expect(rows[0]!.id).toBe(id);
    expect(JSON.stringify(rows)).not.toContain(key.slice(-43));
    await driver.close();
  });

  it('behavior: keys of two tenants are told apart', async () => {
    const { driver, keys } = await store();
    const a = await keys.create('a');
    const b = await keys.create('b');
    expect([await keys.verify(a.key), await keys.verify(b.key)]).toEqual(['a', 'b']);
    await driver.close();
  });

  it('behavior: a revoked key is refused', async () => {
    const { driver, keys } = await store();
    const { key } = await keys.create('acme');
    expect(await keys.revoke(key)).toBe(true);
    expect(await keys.verify(key)).toBeUndefined();
    expect(await keys.revoke(key)).toBe(false);
    await driver.close();
  });

  it('behavior: a key verified lately and then revoked by another process (noob keys revoke) is refused at its next check', async () => {
    const file = join(root, `k${n++}.db`);
    const driver = await openDriver(file);
    const keys = new KeyStore(driver);
    const { key, id } = await keys.create('acme');
    const other = await keys.create('acme');
    // Verified twice: the second is answered from what the first read.
    expect([await keys.verify(key), await keys.verify(key)]).toEqual(['acme', 'acme']);
    const revoked = await runNoob(['keys', 'revoke', id, '--db', file]);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(await keys.verify(key)).toBeUndefined();
    expect(await keys.verify(other.key)).toBe('acme');
    await driver.close();
  });

  it('behavior: a key revoked through another KeyStore on the same connection is refused at once', async () => {
    const { driver, keys } = await store();
    const { key } = await keys.create('acme');
    expect([await keys.verify(key), await keys.verify(key)]).toEqual(['acme', 'acme']);
    const checking = keys.verify(key);
    expect(await new KeyStore(driver).revoke(key)).toBe(true);
    // A check under way as it was revoked may still pass, but leaves nothing kept.
    await checking;
    expect(await keys.verify(key)).toBeUndefined();
    await driver.close();
  });

  it('behavior: a key with a lifetime is accepted until it expires, then refused', async () => {
    const driver = await openDriver(join(root, `k${n++}.db`));
    let now = 1_000_000;
    const keys = new KeyStore(driver, { now: () => now });
    const created = await keys.create('acme', { expiresInMs: 60_000 });
    expect(created.expiresAt).toBe(1_060_000);
    const forever = await keys.create('acme');
    expect(forever.expiresAt).toBeUndefined();
    now += 59_999;
    expect(await keys.verify(created.key)).toBe('acme');
    now += 1;
    expect(await keys.verify(created.key)).toBeUndefined();
    expect(await keys.verify(forever.key)).toBe('acme');
    await driver.close();
  });

  it('error: a lifetime that is not a whole number of ms above 0 is refused', async () => {
    const { driver, keys } = await store();
    for (const expiresInMs of [0, -5, 1.5, Number.NaN])
      await expect(keys.create('acme', { expiresInMs })).rejects.toThrow(/invalid key lifetime/);
    await driver.close();
  });

  it('behavior: the same on a remote sqld database', async () => {
    const server = await startSqld();
    try {
      const driver = await openDriver(server.url);
      const keys = new KeyStore(driver);
      const { key } = await keys.create('acme');
      expect(await keys.verify(key)).toBe('acme');
      expect(await keys.revoke(key)).toBe(true);
      expect(await keys.verify(key)).toBeUndefined();
      await driver.close();
    } finally {
      await server.stop();
    }
  });

  it('error: a wrong secret, a malformed key or an unknown id is refused', async () => {
    const { driver, keys } = await store();
    const { key } = await keys.create('acme');
    const last = key.at(-1) === 'A' ? 'B' : 'A';
    expect(await keys.verify(`${key.slice(0, -1)}${last}`)).toBeUndefined();
    expect(await keys.verify('not-a-key')).toBeUndefined();
    expect(await keys.verify(`noob_0000000000000000_${key.slice(-43)}`)).toBeUndefined();
    await driver.close();
  });

  it('error: an invalid tenant name is refused', async () => {
    const { driver, keys } = await store();
    await expect(keys.create('')).rejects.toMatchObject({ name: 'InvalidSubmissionError' });
    await expect(keys.create('a b')).rejects.toMatchObject({ name: 'InvalidSubmissionError' });
    await driver.close();
  });
});
