import { spawn } from 'node:child_process';
import { once } from 'node:events';
import {
  existsSync,
  fdatasync,
  fstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Database from 'libsql';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { openEmbeddedDriver } from './drivers/embedded.ts';
import { migrate } from './migrate.ts';
import { openDriver } from './open.ts';
import { describeQueueSuite } from './queue.suite.ts';
import { Queue } from './queue.ts';
import { sql } from './sql.ts';

const root = mkdtempSync(join(tmpdir(), 'noob-queue-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

describeQueueSuite('embedded libSQL file', () => openDriver(join(root, `q${n++}`, 'noob.db')));

describe('embedded driver', () => {
  it('default: WAL journal, synchronous=NORMAL (the driver flushes the log itself)', async () => {
    const driver = await openDriver(`file:${join(root, 'pragmas', 'noob.db')}`);
    const rows = async (pragma: string) => (await driver.execute({ sql: pragma, params: {} })).rows;
    expect(await rows('PRAGMA journal_mode')).toEqual([{ journal_mode: 'wal' }]);
    expect(await rows('PRAGMA synchronous')).toEqual([{ synchronous: 1 }]);
    await driver.close();
  });

  it('behavior: a statement before the log exists has nothing to flush', async () => {
    const path = join(root, 'no-log-yet', 'noob.db');
    mkdirSync(dirname(path), { recursive: true });
    const driver = openEmbeddedDriver(path);
    expect(existsSync(`${path}-wal`)).toBe(false);
    const { rows } = await driver.execute({ sql: 'PRAGMA foreign_keys', params: {} });
    expect(rows).toEqual([{ foreign_keys: 1 }]);
    await driver.close();
  });

  describe('durability: a write is acknowledged only after the log is flushed', () => {
    /** A driver whose flushes are recorded and held until their `done()` is called. */
    function heldFlushes(name: string) {
      const path = join(root, `${name}.db`);
      const flushes: { fd: number; done: () => void }[] = [];
      const driver = openEmbeddedDriver(path, {
        fdatasync: (fd, callback) =>
          flushes.push({ fd, done: () => fdatasync(fd, (error) => callback(error)) }),
      });
      const insert = (x: number) => ({ sql: 'INSERT INTO t (x) VALUES (:x)', params: { x } });
      /** Create table `t`, letting its flush (the first) through. */
      const createTable = async () => {
        const created = driver.batch([{ sql: 'CREATE TABLE t (x)', params: {} }]);
        await vi.waitFor(() => expect(flushes).toHaveLength(1));
        flushes[0]!.done();
        await created;
      };
      return { path, driver, flushes, insert, createTable };
    }
    const settled = async (promise: Promise<unknown>) => {
      let done = false;
      void promise.then(
        () => (done = true),
        () => (done = true),
      );
      // Several turns of the loop: time enough for anything not waiting on a flush.
      for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
      return done;
    };
    /** A migrated queue whose flushes, while `hold(true)`, wait in `held` to be called. */
    async function queueWithHeldFlushes(name: string) {
      let holding = false;
      const held: (() => void)[] = [];
      const driver = openEmbeddedDriver(join(root, `${name}.db`), {
        fdatasync: (fd, callback) => {
          if (holding) held.push(() => fdatasync(fd, callback));
          else fdatasync(fd, callback);
        },
      });
      await migrate(driver);
      const hold = (on: boolean) => {
        holding = on;
      };
      return { driver, queue: new Queue(driver), held, hold };
    }

    it('a write waits for a flush of the write-ahead log that starts after its commit', async () => {
      const { path, driver, flushes, insert, createTable } = heldFlushes('held');
      await createTable();
      const write = driver.batch([insert(1)]);
      expect(await settled(write)).toBe(false);
      expect(flushes).toHaveLength(2);
      // The file flushed is the log the commit went to.
      expect(fstatSync(flushes[1]!.fd).ino).toBe(statSync(`${path}-wal`).ino);
      // Committed already: a relaxed read sees it while the flush is still out, but a
      // read that shows it to a user waits for the flush.
      const select = { sql: 'SELECT x FROM t', params: {} };
      expect((await driver.batch([select], 'read-relaxed'))[0]!.rows).toEqual([{ x: 1 }]);
      const read = driver.batch([select], 'read');
      expect(await settled(read)).toBe(false);
      flushes[1]!.done();
      await write;
      // The read's own flush (its first look at the file) comes after the write's.
      await vi.waitFor(() => expect(flushes).toHaveLength(3));
      expect(await settled(read)).toBe(false);
      flushes[2]!.done();
      expect((await read)[0]!.rows).toEqual([{ x: 1 }]);
      await driver.close();
    });

    it('writes committed while a flush runs share the next one', async () => {
      const { driver, flushes, insert } = heldFlushes('shared');
      const created = driver.batch([{ sql: 'CREATE TABLE t (x)', params: {} }]);
      await vi.waitFor(() => expect(flushes).toHaveLength(1));
      const writes = [1, 2, 3, 4, 5].map((x) => driver.batch([insert(x)]));
      expect(await settled(Promise.all(writes))).toBe(false);
      // Until the first flush ends, the next one waits, and all five wait on it.
      expect(flushes).toHaveLength(1);
      flushes[0]!.done();
      await created;
      await vi.waitFor(() => expect(flushes).toHaveLength(2));
      expect(await settled(Promise.all(writes))).toBe(false);
      flushes[1]!.done();
      await Promise.all(writes);
      expect(flushes).toHaveLength(2);
      await driver.close();
    });

    it('a relaxed write (a claim) is not flushed: the next flush covers it', async () => {
      const { driver, flushes, insert, createTable } = heldFlushes('relaxed');
      await createTable();
      await driver.batch([insert(1)], 'write-relaxed');
      await driver.batch([{ sql: 'SELECT x FROM t', params: {} }], 'read-relaxed');
      expect(flushes).toHaveLength(1);
      await driver.close();
    });

    it("a read of another connection's commit flushes it before answering", async () => {
      const { path, driver: writer, flushes, insert, createTable } = heldFlushes('foreign');
      await createTable();
      const readerFlushes: number[] = [];
      const reader = openEmbeddedDriver(path, {
        fdatasync: (fd, callback) => {
          readerFlushes.push(fd);
          fdatasync(fd, callback);
        },
      });
      const select = { sql: 'SELECT x FROM t', params: {} };
      await reader.batch([select], 'read');
      const before = readerFlushes.length;
      // The writer's flush is held: its commit is visible, not yet flushed by the writer.
      const write = writer.batch([insert(7)]);
      expect((await reader.batch([select], 'read'))[0]!.rows).toEqual([{ x: 7 }]);
      expect(readerFlushes).toHaveLength(before + 1);
      // Nothing new since: the next read does not flush again.
      await reader.batch([select], 'read');
      expect(readerFlushes).toHaveLength(before + 1);
      flushes[1]!.done();
      await write;
      await reader.close();
      await writer.close();
    });

    it('completeAndClaim hands over claimed tasks at commit, before the results are flushed', async () => {
      const { queue, held, hold } = await queueWithHeldFlushes('claim-at-commit');
      const tasks = [1, 2, 3].map((i) => ({ cid: `c${i}`, input: i }));
      const { jobId } = await queue.submitJob({ tenant: 't', kind: 'tasks', tasks });
      const [first] = await queue.claim({ workerId: 'w', max: 1 });
      hold(true);
      const handed: number[][] = [];
      const round = queue.completeAndClaim(
        [{ taskId: first!.id, result: 'one' }],
        { workerId: 'w', max: 5 },
        (claimed) => handed.push(claimed.map((task) => task.input as number)),
      );
      await vi.waitFor(() => expect(held).toHaveLength(1));
      // Committed, not yet flushed: the claimed tasks are out, the result not acknowledged.
      expect(handed).toEqual([[2, 3]]);
      expect(await settled(round)).toBe(false);
      hold(false);
      held[0]!();
      const { accepted, claimed } = await round;
      expect(accepted).toEqual([true]);
      expect(claimed.map((task) => task.input)).toEqual([2, 3]);
      expect((await queue.getJob('t', jobId)).progress.done).toBe(1);
      await queue.close();
    });

    it('group commit: a submission commits while the one before it is still flushing', async () => {
      const { queue, driver, held, hold } = await queueWithHeldFlushes('group-pipeline');
      const jobs = async () =>
        (
          await driver.batch(
            [{ sql: 'SELECT count(*) AS n FROM jobs', params: {} }],
            'read-relaxed',
          )
        )[0]!.rows[0]!.n;
      hold(true);
      const first = queue.submitJob({
        tenant: 't',
        kind: 'tasks',
        tasks: [{ cid: 'a', input: 1 }],
      });
      await vi.waitFor(() => expect(held).toHaveLength(1));
      const second = queue.submitJob({
        tenant: 't',
        kind: 'tasks',
        tasks: [{ cid: 'b', input: 2 }],
      });
      // The second is committed (visible) although the first's flush has not ended, and
      // neither is acknowledged before a flush after its commit.
      await vi.waitFor(async () => expect(await jobs()).toBe(2));
      expect(await settled(first)).toBe(false);
      expect(await settled(second)).toBe(false);
      held[0]!();
      await first;
      // The second's flush began after the first's: it is still held.
      await vi.waitFor(() => expect(held).toHaveLength(2));
      expect(await settled(second)).toBe(false);
      hold(false);
      held[1]!();
      expect((await second).created).toBe(true);
      await queue.close();
    });

    it('a failed flush fails the writes waiting on it, then every call until reopened', async () => {
      const path = join(root, 'flush-error.db');
      let failNext = false;
      const told: Error[] = [];
      const driver = openEmbeddedDriver(path, {
        fdatasync: (fd, callback) => {
          if (!failNext) return fdatasync(fd, callback);
          failNext = false;
          callback(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
        },
        onBroken: (error) => told.push(error),
      });
      await driver.batch([{ sql: 'CREATE TABLE t (x)', params: {} }]);
      failNext = true;
      const failed = { name: 'DurabilityError', code: 'EIO' };
      await expect(
        driver.batch([{ sql: 'INSERT INTO t (x) VALUES (1)', params: {} }]),
      ).rejects.toMatchObject(failed);
      // A later flush could report success for pages the disk already lost: nothing more
      // is acknowledged, or shown, through this connection.
      const select = { sql: 'SELECT x FROM t', params: {} };
      await expect(
        driver.batch([{ sql: 'INSERT INTO t (x) VALUES (2)', params: {} }]),
      ).rejects.toMatchObject(failed);
      await expect(driver.batch([select], 'read-relaxed')).rejects.toThrow(
        /flush-error\.db-wal .*reopen the database/,
      );
      // The owner is told once, to stop and restart.
      expect(told.map((error) => error.name)).toEqual(['DurabilityError']);
      await driver.close();
      const reopened = openEmbeddedDriver(path);
      expect((await reopened.batch([select], 'read'))[0]!.rows).toEqual([{ x: 1 }]);
      await reopened.close();
    });

    it("a read after this connection's relaxed write flushes it first", async () => {
      const { driver, flushes, insert, createTable } = heldFlushes('relaxed-then-read');
      await createTable();
      const select = { sql: 'SELECT x FROM t', params: {} };
      // The connection's first read flushes once; every flush here waits to be let go.
      const first = driver.batch([select], 'read');
      await vi.waitFor(() => expect(flushes).toHaveLength(2));
      flushes[1]!.done();
      await first;
      const before = flushes.length;
      await driver.batch([insert(5)], 'write-relaxed');
      const read = driver.batch([select], 'read');
      // The relaxed commit is not on disk yet: the read waits for a flush of its own.
      await vi.waitFor(() => expect(flushes).toHaveLength(before + 1));
      expect(await settled(read)).toBe(false);
      flushes[before]!.done();
      expect((await read)[0]!.rows).toEqual([{ x: 5 }]);
      await driver.close();
    });

    it('close() refuses calls made after it, so none outlives the log', async () => {
      const { driver } = heldFlushes('close-race');
      const closing = driver.close();
      await expect(driver.batch([{ sql: 'CREATE TABLE t (x)', params: {} }])).rejects.toThrow(
        /is closed/,
      );
      await closing;
    });
  });

  describe("another process's write lock", () => {
    /**
     * A process of its own holding the write lock of `path` (BEGIN IMMEDIATE) until told
     * to commit a row (`commit()`) or killed.
     */
    async function lockHolder(path: string) {
      const libsql = createRequire(import.meta.url).resolve('libsql');
      const child = spawn(
        process.execPath,
        [
          '-e',
          `const db = new (require(${JSON.stringify(libsql)}))(${JSON.stringify(path)});
           db.exec('BEGIN IMMEDIATE');
           db.exec('INSERT INTO t VALUES (100)');
           console.log('locked');
           process.stdin.once('data', () => { db.exec('COMMIT'); db.close(); process.exit(0); });`,
        ],
        { stdio: ['pipe', 'pipe', 'inherit'] },
      );
      const [line] = (await once(child.stdout!, 'data')) as [Buffer];
      expect(line.toString().trim()).toBe('locked');
      return {
        commit: async () => {
          child.stdin!.write('commit\n');
          await once(child, 'exit');
        },
        kill: () => child.kill('SIGKILL'),
      };
    }

    async function tableAt(name: string) {
      const path = join(root, name, 'noob.db');
      mkdirSync(dirname(path), { recursive: true });
      const driver = openEmbeddedDriver(path);
      await driver.batch([{ sql: 'CREATE TABLE t (x INTEGER)', params: {} }]);
      return { path, driver };
    }
    const insert = (x: number) => ({ sql: 'INSERT INTO t VALUES (?)', params: [x] });
    const select = { sql: 'SELECT x FROM t ORDER BY x', params: {} };
    /** Another connection (in this process: it can let go at an exact moment) holding the lock. */
    function lockedByAnotherConnection(path: string) {
      const other = new Database(path);
      other.exec('BEGIN IMMEDIATE');
      return other;
    }

    it('behavior: a write waits for it without blocking the event loop, and commits once it is free', async () => {
      const { path, driver } = await tableAt('lock-wait');
      const holder = await lockHolder(path);
      try {
        let written = false;
        const write = driver.batch([insert(1)]).then(() => (written = true));
        // Meanwhile the loop runs: timers fire and reads are answered.
        await new Promise((resolve) => setTimeout(resolve, 20));
        expect((await driver.batch([select], 'read'))[0]!.rows).toEqual([]);
        expect(written).toBe(false);
        await holder.commit();
        await write;
        expect((await driver.batch([select], 'read'))[0]!.rows).toEqual([{ x: 1 }, { x: 100 }]);
      } finally {
        holder.kill();
        await driver.close();
      }
    });

    it('behavior: a waiting write never lands inside a transaction of its connection begun meanwhile', async () => {
      const { path, driver } = await tableAt('lock-then-transaction');
      const other = lockedByAnotherConnection(path);
      const write = driver.execute(insert(1));
      await new Promise((resolve) => setImmediate(resolve));
      other.exec('COMMIT');
      // Free now, and taken at once by a transaction whose body awaits, then fails.
      const failed = driver.transaction(async (tx) => {
        await tx.execute(insert(2));
        await new Promise((resolve) => setTimeout(resolve, 10));
        throw new Error('the body fails');
      });
      await expect(failed).rejects.toThrow('the body fails');
      await write;
      expect((await driver.batch([select], 'read'))[0]!.rows).toEqual([{ x: 1 }]);
      other.close();
      await driver.close();
    });

    it('behavior: close() lets a write waiting for the lock finish first', async () => {
      const { path, driver } = await tableAt('lock-then-close');
      const other = lockedByAnotherConnection(path);
      let written = false;
      const write = driver.batch([insert(1)]).then(() => (written = true));
      await new Promise((resolve) => setImmediate(resolve));
      const closing = driver.close();
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(written).toBe(false);
      other.exec('COMMIT');
      await closing;
      expect(written).toBe(true);
      await write;
      expect(other.prepare('SELECT x FROM t').all([])).toMatchObject([{ x: 1 }]);
      other.close();
    });

    it('error: a write still locked out after the busy timeout fails and writes nothing', async () => {
      const { path, driver: setup } = await tableAt('lock-timeout');
      await setup.close();
      const driver = openEmbeddedDriver(path, { busyTimeoutMs: 50 });
      const holder = await lockHolder(path);
      try {
        await expect(driver.batch([insert(1)])).rejects.toThrow(/locked|busy/i);
      } finally {
        holder.kill();
      }
      expect((await driver.batch([select], 'read'))[0]!.rows).toEqual([]);
      await driver.close();
    });

    it.each([
      ['UPDATE', 'UPDATE t SET x = x + 1', 'plain'],
      ['UPDATE … RETURNING', 'UPDATE t SET x = x + 1 RETURNING x', 'returning'],
    ])(
      'behavior: an execute() %s that gave up waiting for the lock leaves no read open: once the other process commits, writes commit',
      async (_, update, name) => {
        // Before the fix, the statement stayed open and every later write failed for good.
        const { path, driver: setup } = await tableAt(`lock-timeout-execute-${name}`);
        await setup.close();
        const driver = openEmbeddedDriver(path, { busyTimeoutMs: 50 });
        const holder = await lockHolder(path);
        try {
          await expect(driver.execute({ sql: update, params: {} })).rejects.toThrow(/locked|busy/i);
          // Its commit makes any snapshot this connection still reads stale.
          await holder.commit();
        } finally {
          holder.kill();
        }
        await driver.batch([insert(1)]);
        await driver.execute(insert(2));
        expect((await driver.batch([select], 'read'))[0]!.rows).toEqual([
          { x: 1 },
          { x: 2 },
          { x: 100 },
        ]);
        await driver.close();
      },
    );
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
