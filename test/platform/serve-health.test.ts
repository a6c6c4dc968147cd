import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openQueue } from '../../core/queue/open.ts';
import { cleanUpServes, eventually, startServe, tempDb } from './serve-process.ts';

afterEach(cleanUpServes);

const ROOT = join(import.meta.dirname, '..', '..');

/** A queue database with some jobs in it, checkpointed, then with pages past the first overwritten. */
async function corruptDatabase(): Promise<string> {
  const db = tempDb();
  const queue = await openQueue(db);
  for (let i = 0; i < 40; i++) {
    await queue.submitJob({
      tenant: 't',
      kind: 'tube',
      payload: { tube: `noob_id: t${i}\n# ${'x'.repeat(3000)}` },
      open: true,
    });
  }
  // Everything into the file itself, so the damage below is what SQLite reads.
  await queue.driver.execute({ sql: 'PRAGMA wal_checkpoint(TRUNCATE)', params: {} });
  await queue.close();
  const size = statSync(db).size;
  const fd = openSync(db, 'r+');
  const junk = Buffer.alloc(4096 * 4, 0x5a);
  writeSync(fd, junk, 0, junk.length, Math.floor(size / 2 / 4096) * 4096);
  closeSync(fd);
  return db;
}

describe('noob serve health (real processes)', () => {
  it('error: on a damaged database noob serve exits 1, names it, and serves nothing', async () => {
    const db = await corruptDatabase();
    const child = spawn(
      process.execPath,
      [join(ROOT, 'bin', 'noob.js'), 'serve', '--port', '0', '--db', db, '--workers', '1'],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const [code] = await once(child, 'exit');
    expect(code).toBe(1);
    expect(stderr).toContain(`noob serve: could not start on ${db}`);
    expect(stderr).toMatch(/damaged|malformed|corrupt/i);
    expect(stdout).not.toContain('serving on');
  });

  it('behavior: ready with a coordinator and workers up; a deleted -wal makes it not ready, saying why, while it stays live', async () => {
    const db = tempDb();
    const server = await startServe(db);
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      ready: true,
      checks: {
        database: { ok: true },
        logFile: { ok: true },
        coordinator: { ok: true },
        workers: { ok: true, details: { alive: 2 } },
      },
    });
    rmSync(`${db}-wal`);
    const report = await eventually('not ready', async () => {
      const response = await fetch(`${server.url}/readyz`);
      return response.status === 503 ? ((await response.json()) as any) : undefined;
    });
    expect(report.ready).toBe(false);
    expect(report.checks.logFile.message).toContain(`write-ahead log ${db}-wal was deleted`);
    expect((await fetch(`${server.url}/livez`)).status).toBe(200);
    await eventually('the log says so', async () =>
      server.stderr().includes(`${db}-wal was deleted`) ? true : undefined,
    );
  });

  it('behavior: every start prints the same key for tenant local (minted once, kept beside the database)', async () => {
    const db = tempDb();
    const first = await startServe(db, ['--workers', '1']);
    expect(first.output).toMatch(/API key for tenant "local": \S+ \(new\)/);
    first.child.kill('SIGTERM');
    await once(first.child, 'exit');
    const second = await startServe(db, ['--workers', '1']);
    expect(second.key).toBe(first.key);
    expect(second.output).toContain('(kept from an earlier start)');
    expect(statSync(`${db}.local-key`).mode & 0o777).toBe(0o600);
    const queue = await openQueue(db);
    try {
      const { rows } = await queue.driver.execute({
        sql: "SELECT count(*) AS n FROM api_keys WHERE tenant = 'local'",
        params: {},
      });
      expect(Number(rows[0]!.n)).toBe(1);
    } finally {
      await queue.close();
    }
  });
});
