import { mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
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
  return { path, db, write };
}

/** Polls `check` (bounded): the thread works on its own time. */
async function eventually(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(check()).toBe(true);
}

describe('LogCheckpoints', () => {
  it('behavior: a log due a checkpoint is copied on a thread of its own, and the next commit starts it over', async () => {
    const { path, db, write } = logWithFrames(40);
    const index = WalIndex.open(path)!;
    expect(index.pendingFrames()).toBeGreaterThanOrEqual(160);
    let copiedHere = 0;
    const checkpoints = new LogCheckpoints(path, () => copiedHere++, {
      startFrames: 100,
      maxFrames: 10_000,
    });
    checkpoints.committed();
    await eventually(() => index.pendingFrames() === 0);
    expect(copiedHere).toBe(0);
    const walBytes = statSync(`${path}-wal`).size;
    write(1);
    // Started over: the commit's pages went to the start of the log, which did not grow.
    expect(index.pendingFrames()).toBeLessThan(10);
    expect(statSync(`${path}-wal`).size).toBe(walBytes);
    await checkpoints.close();
    index.close();
    db.close();
  });

  it('behavior: below the threshold nothing is asked; at maxFrames the committing connection copies the log itself', async () => {
    const { path, db } = logWithFrames(10);
    let copiedHere = 0;
    const small = new LogCheckpoints(path, () => copiedHere++, { startFrames: 1_000 });
    small.committed();
    expect(copiedHere).toBe(0);
    const full = new LogCheckpoints(path, () => copiedHere++, { startFrames: 20, maxFrames: 20 });
    full.committed();
    expect(copiedHere).toBe(1);
    await small.close();
    await full.close();
    db.close();
  });

  it('error: a thread that fails says so once, and commits checkpoint the log themselves from then on', async () => {
    const { path, db } = logWithFrames(10);
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
      maxFrames: 10_000,
    });
    try {
      checkpoints.committed();
      await eventually(() => warnings.length > 0);
      expect(warnings).toEqual([expect.stringMatching(/broken\d+\.db on its own thread failed/)]);
      checkpoints.committed();
      checkpoints.committed();
      expect(copiedHere).toBe(2);
      expect(warnings).toHaveLength(1);
    } finally {
      process.off('warning', onWarning);
      await checkpoints.close();
      db.close();
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

  it('behavior: two connections writing one file each copy its log back on their thread, and every row survives', async () => {
    const path = join(root, `shared${n++}.db`);
    const options = { checkpoints: { startFrames: 64, maxFrames: 100_000 } };
    const drivers = [openEmbeddedDriver(path, options), openEmbeddedDriver(path, options)];
    const warn = vi.fn();
    process.on('warning', warn);
    const insert = (i: number) => ({ sql: 'INSERT INTO t VALUES (?, ?)', params: [i, BLOB] });
    const writeBoth = async (from: number, to: number) => {
      for (let i = from; i < to; i += 2) {
        await Promise.all([drivers[0]!.batch([insert(i)]), drivers[1]!.batch([insert(i + 1)])]);
      }
    };
    try {
      await drivers[0]!.batch([{ sql: 'CREATE TABLE t (n INTEGER, body TEXT)', params: {} }]);
      await writeBoth(0, 170);
      // Each connection's thread copied what it found (one of two at a time: the other
      // skips), so the log holds fewer pages than were written: under 64 at the end.
      const index = WalIndex.open(path)!;
      await eventually(() => index.pendingFrames() < 64);
      index.close();
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
      rows: 170,
    });
    reopened.close();
  });
});
