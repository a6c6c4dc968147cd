import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openQueue } from '../../core/queue/open.ts';
import type { Queue } from '../../core/queue/queue.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const HANG = `${join(ROOT, 'test', 'fixtures', 'hang-node.ts')}#hang`;
const children: ChildProcess[] = [];
const stderr = new Map<ChildProcess, string>();
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
  }
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** `noob worker --db DB --lease-ms 300`, once it pulls from the queue. */
async function startWorker(db: string, env: Record<string, string> = {}): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [join(ROOT, 'bin', 'noob.js'), 'worker', '--db', db, '--lease-ms', '300'],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } },
  );
  children.push(child);
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (text: string) => {
    stderr.set(child, (stderr.get(child) ?? '') + text);
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('pulling from')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`worker exited with ${code}`)));
  });
  return child;
}

/** A queue on a fresh file. */
async function freshQueue(): Promise<{ queue: Queue; db: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'noob-lost-worker-'));
  const db = join(dir, 'noob.db');
  const queue = await openQueue(db);
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  cleanups.push(() => queue.close());
  return { queue, db };
}

describe('a lost worker', () => {
  it('behavior: a worker killed mid-task is a retry, not a node failure: another worker runs the call', async () => {
    const { queue, db } = await freshQueue();
    const lost = await startWorker(db, { NOOB_TEST_HANG: '1' });
    // One attempt: a node error would dead-letter it; a lost worker must not.
    const cid = 'call-0';
    const { jobId } = await queue.submitJob({
      tenant: 't',
      kind: 'tasks',
      tasks: [
        { cid, nodeId: 'wait', maxAttempts: 1, input: { cid, type: HANG, inputs: { value: 42 } } },
      ],
    });
    await queue.changes.until(async () =>
      (await queue.events('t', jobId)).some((e) => e.type === 'tasks.leased'),
    );
    lost.kill('SIGKILL');
    await once(lost, 'exit');
    await startWorker(db);
    await queue.changes.until(async () => (await queue.getJob('t', jobId)).state !== 'running');
    const job = await queue.getJob('t', jobId);
    expect(job.state).toBe('succeeded');
    expect(job.results[cid]).toMatchObject({ outputs: { value: 42 } });
    const expired = (await queue.events('t', jobId)).find((e) => e.type === 'task.queued');
    expect(expired?.data).toMatchObject({
      attempt: 0,
      error: { name: 'LeaseExpiredError', message: expect.stringContaining('1 of 5 expiries') },
    });
  });

  it('behavior: a node that blocks the event loop past the task timeout gets its worker process killed; the call runs elsewhere', async () => {
    const { queue, db } = await freshQueue();
    const spinning = await startWorker(db, { NOOB_TEST_SPIN: '1', NOOB_TASK_TIMEOUT_MS: '500' });
    const cid = 'call-0';
    const { jobId } = await queue.submitJob({
      tenant: 't',
      kind: 'tasks',
      tasks: [{ cid, nodeId: 'spin', input: { cid, type: HANG, inputs: { value: 7 } } }],
    });
    const [, signal] = await once(spinning, 'exit');
    expect(signal).toBe('SIGKILL');
    expect(stderr.get(spinning)).toMatch(/the event loop was blocked for over 500 ms/);
    await startWorker(db);
    await queue.changes.until(async () => (await queue.getJob('t', jobId)).state !== 'running');
    const job = await queue.getJob('t', jobId);
    expect(job.state).toBe('succeeded');
    expect(job.results[cid]).toMatchObject({ outputs: { value: 7 } });
  });
});
