import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const started: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const child of started.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
  }
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Starts `noob serve` and reads its URL, API key and printed curl example. */
async function serve(db: string) {
  const child = spawn(
    process.execPath,
    [join(ROOT, 'bin', 'noob.js'), 'serve', '--port', '0', '--db', db, '--workers', '2'],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  started.push(child);
  let output = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('JOB_ID')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`noob serve exited with ${code}`)));
  });
  const url = /serving on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)![1]!;
  const key = /API key for tenant "local": (\S+)/.exec(output)![1]!;
  return { child, url, key, output };
}

async function api(url: string, key: string, path: string, init: RequestInit = {}) {
  const response = await fetch(`${url}${path}`, {
    ...init,
    headers: {
      authorization: `Bearer ${key}`,
      'content-type': 'application/json',
      ...init.headers,
    },
  });
  return { status: response.status, body: (await response.json()) as any };
}

async function waitForJob(url: string, key: string, id: string) {
  for (let i = 0; i < 1500; i++) {
    const { body } = await api(url, key, `/v1/jobs/${id}`);
    if (['succeeded', 'failed', 'cancelled'].includes(body.state)) return body;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`job ${id} did not finish`);
}

function tempDb(): string {
  const dir = mkdtempSync(join(tmpdir(), 'noob-serve-'));
  dirs.push(dir);
  return join(dir, 'noob.db');
}

describe('noob serve', () => {
  it('default: the printed curl example runs basic for 5 epochs and returns [0,2,4,6,8]; SIGTERM exits 0', async () => {
    const { child, url, key, output } = await serve(tempDb());
    const example = /-d '(.+)'/.exec(output)![1]!;
    const submitted = await api(url, key, '/v1/jobs', { method: 'POST', body: example });
    expect(submitted.status).toBe(202);
    const job = await waitForJob(url, key, submitted.body.id);
    expect(job.state).toBe('succeeded');
    expect(job.results).toEqual([0, 2, 4, 6, 8]);
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  });

  it('behavior: kill -9 under load, restart: every job that got a 202 completes, none lost or duplicated', async () => {
    const db = tempDb();
    const first = await serve(db);
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      const { status, body } = await api(first.url, first.key, '/v1/jobs', {
        method: 'POST',
        body: JSON.stringify({ tube: 'testing-basic', epochs: 20, idempotencyKey: `job-${i}` }),
      });
      expect(status).toBe(202);
      ids.push(body.id);
    }
    first.child.kill('SIGKILL');
    await once(first.child, 'exit');
    const second = await serve(db);
    for (const [i, id] of ids.entries()) {
      const job = await waitForJob(second.url, second.key, id);
      expect(job.state, `job ${i}`).toBe('succeeded');
      expect(job.results).toEqual(Array.from({ length: 20 }, (_, n) => 2 * n));
      expect(job.progress.done).toBe(20);
    }
    // Resubmitting with the same idempotency key gives the same job, not a new one.
    const again = await api(second.url, second.key, '/v1/jobs', {
      method: 'POST',
      body: JSON.stringify({ tube: 'testing-basic', epochs: 20, idempotencyKey: 'job-0' }),
    });
    expect(again.body.id).toBe(ids[0]);
  });
});
