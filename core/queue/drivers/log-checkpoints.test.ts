import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import {
  fdatasync,
  fstatSync,
  mkdtempSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'libsql';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { openEmbeddedDriver } from './embedded.ts';
import { LogCheckpoints, WalIndex } from './log-checkpoints.ts';

const root = mkdtempSync(join(tmpdir(), 'noob-checkpoints-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

const PAGE = 4096;
/** A log frame: a page and its 24-byte header. */
const FRAME = PAGE + 24;
/** Four pages of row data a commit. */
const BLOB = 'x'.repeat(4 * PAGE);

/** A WAL database that never checkpoints by itself, holding `commits` commits of a blob. */
function logWithFrames(commits: number) {
  const path = join(root, `log${n++}.db`);
  const db = new Database(path);
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA wal_autocheckpoint = 0');
  db.exec('CREATE TABLE t (body TEXT)');
  const insert = db.prepare('INSERT INTO t (body) VALUES (?)');
  const write = (count: number) => {
    for (let i = 0; i < count; i++) insert.run([BLOB]);
  };
  write(commits);
  const index = WalIndex.acquire(path);
  return { path, db, write, index };
}

/** Waits (bounded) for `check`: the thread works on its own time. */
const eventually = (check: () => boolean) =>
  vi.waitFor(() => expect(check()).toBe(true), { timeout: 5_000, interval: 10 });

describe('LogCheckpoints', () => {
  it('behavior: a log due a checkpoint is copied on a thread of its own, and the next commit starts it over', async () => {
    const { path, db, write, index } = logWithFrames(40);
    expect(index.frames()).toMatchObject({ copied: 0 });
    expect(index.frames()!.log).toBeGreaterThanOrEqual(160);
    let copiedHere = 0;
    const checkpoints = new LogCheckpoints(path, () => copiedHere++, {
      startFrames: 100,
      restartFrames: 10_000,
    });
    checkpoints.committed();
    await eventually(() => index.frames()!.copied === index.frames()!.log);
    expect(copiedHere).toBe(0);
    const walBytes = statSync(`${path}-wal`).size;
    write(1);
    // Started over: the commit's pages went to the start of the log, which did not grow.
    expect(index.frames()!.log).toBeLessThan(10);
    expect(statSync(`${path}-wal`).size).toBe(walBytes);
    await checkpoints.close(() => db.close());
    index.release();
  });

  it('behavior: below startFrames nothing is copied, on the thread or here', async () => {
    const { path, db, index } = logWithFrames(10);
    const before = index.frames();
    let copiedHere = 0;
    const checkpoints = new LogCheckpoints(path, () => copiedHere++, { startFrames: 1_000 });
    checkpoints.committed();
    // close() waits for the thread, which would have done a request before closing.
    await checkpoints.close(() => undefined);
    expect(index.frames()).toEqual(before);
    expect(copiedHere).toBe(0);
    db.close();
    index.release();
  });

  it('behavior: a log of restartFrames pages is copied by the committing connection itself', async () => {
    const { path, db, index } = logWithFrames(10);
    let copiedHere = 0;
    const checkpoints = new LogCheckpoints(path, () => copiedHere++, {
      startFrames: 20,
      restartFrames: 20,
    });
    checkpoints.committed();
    expect(copiedHere).toBe(1);
    await checkpoints.close(() => db.close());
    index.release();
  });

  it('behavior: under steady commits the log keeps starting over instead of growing', async () => {
    const { path, db, write, index } = logWithFrames(0);
    const checkpoints = new LogCheckpoints(path, () => db.exec('PRAGMA wal_checkpoint(PASSIVE)'), {
      startFrames: 32,
      restartFrames: 128,
    });
    // 400 commits of 5 pages or more: 2,000 frames and more if the log never started over.
    for (let i = 0; i < 400; i++) {
      write(1);
      checkpoints.committed();
    }
    // restartFrames, and the commits made while a checkpoint of the thread was under way.
    expect(statSync(`${path}-wal`).size).toBeLessThan(4 * 128 * FRAME);
    await checkpoints.close(() => db.close());
    index.release();
  });

  it('error: a thread that fails says so once, and commits checkpoint the log themselves from then on', async () => {
    const { path, db, index } = logWithFrames(10);
    // A file that is not a database, whose index is the real one: its thread fails.
    const broken = join(root, `broken${n++}.db`);
    writeFileSync(broken, 'not a database, '.repeat(512));
    symlinkSync(`${path}-shm`, `${broken}-shm`);
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.message);
    process.on('warning', onWarning);
    let copiedHere = 0;
    const checkpoints = new LogCheckpoints(broken, () => copiedHere++, {
      startFrames: 20,
      restartFrames: 10_000,
    });
    try {
      checkpoints.committed();
      await eventually(() => warnings.length > 0);
      expect(warnings).toEqual([
        expect.stringMatching(/broken\d+\.db on its own thread failed \(SQLITE_NOTADB/),
      ]);
      checkpoints.committed();
      checkpoints.committed();
      expect(copiedHere).toBe(2);
      expect(warnings).toHaveLength(1);
    } finally {
      process.off('warning', onWarning);
      await checkpoints.close(() => db.close());
      index.release();
    }
  });
});

describe('embedded driver checkpoints', () => {
  it('default: SQLite does not checkpoint inside COMMIT', async () => {
    const driver = openEmbeddedDriver(join(root, `pragma${n++}.db`));
    const { rows } = await driver.execute({ sql: 'PRAGMA wal_autocheckpoint', params: {} });
    expect(rows).toEqual([{ wal_autocheckpoint: 0 }]);
    await driver.close();
  });

  it('behavior: two connections writing one file keep its log bounded, and every row survives', async () => {
    const path = join(root, `shared${n++}.db`);
    const options = { checkpoints: { startFrames: 64, restartFrames: 256 } };
    const drivers = [openEmbeddedDriver(path, options), openEmbeddedDriver(path, options)];
    const warn = vi.fn();
    process.on('warning', warn);
    const insert = (i: number) => ({ sql: 'INSERT INTO t VALUES (?, ?)', params: [i, BLOB] });
    const commits = 400;
    try {
      await drivers[0]!.batch([{ sql: 'CREATE TABLE t (n INTEGER, body TEXT)', params: {} }]);
      for (let i = 0; i < commits; i += 2) {
        await Promise.all([drivers[0]!.batch([insert(i)]), drivers[1]!.batch([insert(i + 1)])]);
      }
      // 400 commits of 5 pages or more: 2,000 frames and more if the log never started over.
      expect(statSync(`${path}-wal`).size).toBeLessThan(4 * 256 * FRAME);
      expect(warn).not.toHaveBeenCalled();
    } finally {
      process.off('warning', warn);
      for (const driver of drivers) await driver.close();
    }
    const reopened = new Database(path);
    expect(reopened.prepare('PRAGMA integrity_check').get([])).toMatchObject({
      integrity_check: 'ok',
    });
    expect(reopened.prepare('SELECT count(DISTINCT n) AS rows FROM t').get([])).toMatchObject({
      rows: commits,
    });
    reopened.close();
  });

  describe("closing one connection keeps another's write lock: no other process writes under it", () => {
    const libsql = createRequire(import.meta.url).resolve('libsql');
    /** Another process's try to write row 2; what it says: 'wrote' or the error's code. */
    const otherProcessWrites = (path: string) =>
      execFileSync(process.execPath, [
        '-e',
        `const db = new (require(${JSON.stringify(libsql)}))(${JSON.stringify(path)});
         db.exec('PRAGMA busy_timeout = 0');
         try { db.exec('BEGIN IMMEDIATE'); db.exec('INSERT INTO t VALUES (2)'); db.exec('COMMIT'); console.log('wrote'); }
         catch (error) { console.log(error.code); }`,
      ])
        .toString()
        .trim();

    for (const [name, holderCommittedBefore] of [
      ['a connection that committed before', true],
      ['a connection whose first write this is', false],
    ] as const) {
      it(`behavior: ${name}`, async () => {
        const path = join(root, `locks${n++}.db`);
        const closing = openEmbeddedDriver(path);
        const holding = openEmbeddedDriver(path);
        await closing.batch([{ sql: 'CREATE TABLE t (n INTEGER)', params: {} }]);
        if (holderCommittedBefore) {
          await holding.batch([{ sql: 'INSERT INTO t VALUES (0)', params: {} }]);
        }
        await holding.transaction(async (tx) => {
          await tx.execute({ sql: 'INSERT INTO t VALUES (1)', params: {} });
          await closing.close();
          expect(otherProcessWrites(path)).toBe('SQLITE_BUSY');
        });
        const { rows } = await holding.execute({ sql: 'SELECT n FROM t ORDER BY n', params: {} });
        expect(rows.map((row) => row.n)).toEqual(holderCommittedBefore ? [0, 1] : [1]);
        await holding.close();
      });
    }
  });

  it('behavior: three processes writing one file at once keep its log bounded', async () => {
    const path = join(root, `processes${n++}.db`);
    // Kept open to the end, so the log outlives the writers: its size never shrinks, so
    // it is the most the log held.
    const watcher = new Database(path);
    watcher.exec('PRAGMA journal_mode = WAL');
    watcher.exec('CREATE TABLE t (n INTEGER, body TEXT)');
    const writer = join(import.meta.dirname, '..', '..', '..', 'test', 'fixtures', 'wal-writer.ts');
    const commits = 300;
    const writers = [1, 2, 3].map((id) =>
      spawn(process.execPath, [writer, path, String(id), String(commits)], {
        stdio: ['pipe', 'pipe', 'inherit'],
      }),
    );
    // All open, then all started at once: they write side by side.
    await Promise.all(writers.map((child) => once(child.stdout!, 'data')));
    const exited = writers.map((child) => once(child, 'exit'));
    for (const child of writers) child.stdin!.end('go\n');
    for (const [code] of await Promise.all(exited)) expect(code).toBe(0);
    const order = watcher.prepare('SELECT n FROM t ORDER BY rowid').all([]) as Array<{ n: number }>;
    expect(order).toHaveLength(3 * commits);
    const switches = order.filter(
      (row, i) => i > 0 && Math.floor(row.n / 1e6) !== Math.floor(order[i - 1]!.n / 1e6),
    );
    expect(switches.length).toBeGreaterThan(100);
    // 900 commits of 5 pages or more: 4,500 frames and more if the log never started over
    // (a copy the others keep committing past never catches up without a RESTART).
    expect(statSync(`${path}-wal`).size).toBeLessThan(6 * 128 * FRAME);
    watcher.close();
  });

  it('behavior: a database opened through a symbolic link has its log flushed and copied back', async () => {
    const target = join(root, `target${n++}.db`);
    const link = join(root, `link${n++}.db`);
    writeFileSync(target, '');
    symlinkSync(target, link);
    const flushed: number[] = [];
    const driver = openEmbeddedDriver(link, {
      checkpoints: { startFrames: 32, restartFrames: 128 },
      fdatasync: (fd, done) => {
        flushed.push(fd);
        fdatasync(fd, done);
      },
    });
    await driver.batch([{ sql: 'CREATE TABLE t (body TEXT)', params: {} }]);
    for (let i = 0; i < 200; i++) {
      await driver.batch([{ sql: 'INSERT INTO t VALUES (?)', params: [BLOB] }]);
    }
    // SQLite keeps the log beside the file the link names: that is the one flushed.
    expect(flushed.length).toBeGreaterThan(0);
    expect(fstatSync(flushed.at(-1)!).ino).toBe(statSync(`${target}-wal`).ino);
    // 200 commits of 5 pages or more: 1,000 frames and more if it were never copied back.
    expect(statSync(`${target}-wal`).size).toBeLessThan(4 * 128 * FRAME);
    await driver.close();
  });
});
