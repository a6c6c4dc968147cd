import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openQueue } from '../../core/queue/open.ts';

/**
 * A disk that fails a flush: `noob worker` and `noob serve` cannot acknowledge anything
 * after that, so they stop with a message and exit 1, for a supervisor to restart them
 * (which reopens the database at its last durable state).
 */

const ROOT = join(import.meta.dirname, '..', '..');
const FAILING_FLUSH = join(ROOT, 'test', 'fixtures', 'failing-flush.ts');
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** `noob ARGS` with flushes failing once `marker` exists; resolves when `ready` is printed. */
async function startWithFailingDisk(args: string[], marker: string, ready: string) {
  const child = spawn(
    process.execPath,
    ['--import', FAILING_FLUSH, join(ROOT, 'bin', 'noob.js'), ...args],
    {
      cwd: ROOT,
      env: { ...process.env, NOOB_TEST_FAIL_FLUSH: marker, NOOB_DEBUG: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  cleanups.push(() => child.exitCode === null && child.kill('SIGKILL'));
  const output = { stdout: '', stderr: '' };
  child.stdout!.on('data', (chunk: Buffer) => (output.stdout += chunk));
  child.stderr!.on('data', (chunk: Buffer) => (output.stderr += chunk));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', () => output.stdout.includes(ready) && resolve());
    child.once('exit', (code) =>
      reject(new Error(`noob ${args[0]} exited early (${code}): ${output.stderr}`)),
    );
  });
  return { child, output };
}

async function exitCode(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const [code] = await once(child, 'exit');
  return code as number | null;
}

function tempDb(): { db: string; marker: string } {
  const dir = mkdtempSync(join(tmpdir(), 'noob-flush-failure-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return { db: join(dir, 'noob.db'), marker: join(dir, 'disk-fails') };
}

describe('a failed flush to disk', () => {
  it('error: noob worker stops, says why, exits 1, and the database opens again', async () => {
    const { db, marker } = tempDb();
    const { child, output } = await startWithFailingDisk(
      ['worker', '--db', db],
      marker,
      'pulling from',
    );
    writeFileSync(marker, '');
    // Any result the worker reports is a durable write: its flush fails.
    const queue = await openQueue(db);
    const cid = 'boom';
    await queue.submitJob({
      tenant: 't',
      kind: 'tasks',
      tasks: [{ cid, input: { cid, type: 'no.such.node' } }],
    });
    expect(await exitCode(child)).toBe(1);
    expect(output.stderr).toMatch(
      /noob worker: flushing .*noob\.db-wal to disk failed \(EIO\).*reopen the database; stopping so it can be restarted/,
    );
    // Another connection (a restarted worker) carries on with the file.
    const { jobId } = await queue.submitJob({
      tenant: 't',
      kind: 'tasks',
      tasks: [{ cid: 'next', input: 1 }],
    });
    expect((await queue.getJob('t', jobId)).state).toBe('queued');
    await queue.close();
  });

  it('error: noob serve stops, says why, and exits 1', async () => {
    const { db, marker } = tempDb();
    const { child, output } = await startWithFailingDisk(
      ['serve', '--port', '0', '--db', db, '--workers', '1'],
      marker,
      'JOB_ID',
    );
    const url = /serving on (http:\/\/127\.0\.0\.1:\d+)/.exec(output.stdout)![1]!;
    const key = /API key for tenant "local": (\S+)/.exec(output.stdout)![1]!;
    writeFileSync(marker, '');
    const response = await fetch(`${url}/v1/jobs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ tube: 'testing-basic', epochs: 1 }),
    }).catch((error: unknown) => error);
    // Not acknowledged: no 202 for a submission that may not be on disk.
    expect(response instanceof Response ? response.status : 'no answer').not.toBe(202);
    expect(await exitCode(child)).toBe(1);
    expect(output.stderr).toMatch(
      /noob serve: flushing .* to disk failed \(EIO\).*stopping so it can be restarted/,
    );
  });
});
