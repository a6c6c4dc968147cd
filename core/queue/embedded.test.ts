import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'libsql';
import { afterAll, describe, expect, it } from 'vitest';
import { openEmbeddedDriver } from './drivers/embedded.ts';
import { openDriver } from './open.ts';
import { describeQueueSuite } from './queue.suite.ts';
import { sql } from './sql.ts';

const root = mkdtempSync(join(tmpdir(), 'noob-queue-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

describeQueueSuite('embedded libSQL file', () => openDriver(join(root, `q${n++}`, 'noob.db')));

describe('embedded driver', () => {
  it('default: WAL journal with synchronous=FULL, for power-loss durability', async () => {
    const driver = await openDriver(`file:${join(root, 'pragmas', 'noob.db')}`);
    const rows = async (pragma: string) => (await driver.execute({ sql: pragma, params: {} })).rows;
    expect(await rows('PRAGMA journal_mode')).toEqual([{ journal_mode: 'wal' }]);
    expect(await rows('PRAGMA synchronous')).toEqual([{ synchronous: 2 }]);
    await driver.close();
  });

  it('behavior: a failing statement rolls the whole batch back', async () => {
    const driver = await openDriver(join(root, 'rollback.db'));
    const worker = (id: string) => sql('worker_seen', { worker_id: id, tags: null, now: 1 });
    const error = await driver
      .batch([worker('a'), { sql: 'SELECT no_such_column FROM workers', params: {} }])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((await driver.execute(sql('workers_list', {}))).rows).toEqual([]);
    await driver.close();
  });

  it('behavior: an open that fails on a locked file leaves no connection behind', async () => {
    const path = join(root, 'locked.db');
    // Another connection holds the file exclusively (rollback journal, not yet WAL).
    const holder = new Database(path);
    holder.exec('CREATE TABLE t (x)');
    holder.exec('BEGIN EXCLUSIVE');
    const descriptors = () => readdirSync('/proc/self/fd').length;
    const attempt = () => openEmbeddedDriver(path, { busyTimeoutMs: 0 });
    expect(attempt).toThrow(/locked|busy/i); // the first may open files kept for good
    const before = descriptors();
    for (let i = 0; i < 20; i++) {
      expect(attempt).toThrow(/locked|busy/i);
    }
    expect(descriptors()).toBe(before);
    holder.exec('ROLLBACK');
    holder.close();
  });

  it('error: a URL scheme without a driver is rejected', async () => {
    const error = await openDriver('postgres://localhost/db').catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'UnsupportedQueueUrlError' });
  });
});
