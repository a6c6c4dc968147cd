import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defineNode } from '../../core/node/define.ts';
import { createRegistry } from '../../core/node/registry.ts';
import { openQueue } from '../../core/queue/open.ts';
import type { Queue } from '../../core/queue/queue.ts';
import type { TaskSpec } from '../../core/queue/types.ts';
import { TaskExecutor } from './executor.ts';
import { QueueWorker } from './queue-worker.ts';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A queue on a fresh file. */
async function freshQueue(): Promise<{ queue: Queue; path: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'noob-queue-worker-'));
  const path = join(dir, 'noob.db');
  const queue = await openQueue(path);
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  cleanups.push(() => queue.close());
  return { queue, path };
}

/** Node calls of `type` as queue tasks, `prefix-0` … */
function calls(type: string, count: number, prefix = type): TaskSpec[] {
  return Array.from({ length: count }, (_, i) => {
    const cid = `${prefix}-${i}`;
    return { cid, input: { cid, type, inputs: { value: i } } };
  });
}

/** Resolves when `check` holds, looking again after each commit to the queue. */
async function until(queue: Queue, check: () => Promise<boolean> | boolean): Promise<void> {
  for (;;) {
    const version = queue.changes.version;
    if (await check()) return;
    await queue.changes.wait(version, 100);
  }
}

/** A gate a test opens: calls of the `test.gated` node wait for it. */
function gatedExecutor() {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  let started = 0;
  const registry = createRegistry();
  registry.register(
    'test.echo',
    defineNode({ slots: { value: {} }, process: ({ value }) => value }),
  );
  registry.register(
    'test.gated',
    defineNode({
      slots: { value: {} },
      process: async ({ value }) => {
        started++;
        await gate;
        return value;
      },
    }),
  );
  return { executor: new TaskExecutor({ registry }), open, started: () => started };
}

describe('QueueWorker', () => {
  it('default: runs every task of a job once and reports results in batches', async () => {
    const { queue } = await freshQueue();
    const { executor } = gatedExecutor();
    const worker = new QueueWorker({ queue, concurrency: 4, executor });
    await worker.start();
    cleanups.push(() => worker.stop());
    const { jobId } = await queue.submitJob({
      tenant: 't',
      kind: 'tasks',
      tasks: calls('test.echo', 600),
    });
    await until(queue, async () => (await queue.getJob('t', jobId)).state === 'succeeded');
    const job = await queue.getJob('t', jobId);
    expect(Object.keys(job.results)).toHaveLength(600);
    expect(job.results['test.echo-599']).toMatchObject({ outputs: { value: 599 } });
    expect(worker.reported).toBe(600);
    const reports = (await queue.events('t', jobId, { limit: 10_000 })).filter(
      (e) => e.type === 'tasks.succeeded',
    );
    // Claimed ahead and reported together: far fewer commits than tasks.
    expect(reports.reduce((n, e) => n + Number(e.data.count), 0)).toBe(600);
    expect(reports.length).toBeLessThan(600 / 4);
  });

  it('behavior: a failing database is told, waited out, and no result is lost', async () => {
    const { queue } = await freshQueue();
    const { executor } = gatedExecutor();
    const told: unknown[] = [];
    const worker = new QueueWorker({
      queue,
      concurrency: 2,
      executor,
      onError: (error) => told.push(error),
    });
    // The first three rounds fail: a claim, and then reports of finished calls.
    const real = queue.completeAndClaim.bind(queue);
    let failing = 0;
    queue.completeAndClaim = async (...args) => {
      if (args[0].length > 0 && failing < 3) {
        failing++;
        throw new Error('disk I/O error');
      }
      return real(...args);
    };
    await worker.start();
    cleanups.push(() => worker.stop());
    const { jobId } = await queue.submitJob({
      tenant: 't',
      kind: 'tasks',
      tasks: calls('test.echo', 40),
    });
    await until(queue, async () => (await queue.getJob('t', jobId)).state === 'succeeded');
    expect(told).toHaveLength(3);
    expect(String(told[0])).toContain('disk I/O error');
    expect(worker.reported).toBe(40);
    const job = await queue.getJob('t', jobId);
    expect(Object.keys(job.results)).toHaveLength(40);
  });

  it('behavior: stop() gives back claimed tasks it had not started, with no attempt counted', async () => {
    const { queue } = await freshQueue();
    const { executor, open, started } = gatedExecutor();
    const worker = new QueueWorker({ queue, concurrency: 1, executor });
    await worker.start();
    // Fast calls first, so the worker learns to claim ahead.
    const warm = await queue.submitJob({
      tenant: 't',
      kind: 'tasks',
      tasks: calls('test.echo', 50),
    });
    await until(queue, async () => (await queue.getJob('t', warm.jobId)).state === 'succeeded');
    const { jobId } = await queue.submitJob({
      tenant: 't',
      kind: 'tasks',
      tasks: [...calls('test.gated', 1), ...calls('test.echo', 20, 'after')],
    });
    await until(queue, () => started() === 1);
    const stopped = worker.stop();
    open();
    await stopped;
    const job = await queue.getJob('t', jobId);
    expect(Object.keys(job.results)).toEqual(['test.gated-0']);
    // The rest went back to the queue: the next worker gets them on their first attempt.
    const next = await queue.claim({ workerId: 'next', max: 50 });
    expect(next.map((t) => t.cid).sort()).toEqual(
      calls('test.echo', 20, 'after')
        .map((t) => t.cid)
        .sort(),
    );
    expect(next.every((t) => t.attempt === 1)).toBe(true);
  });

  it('behavior: idle workers do not write to the database, so they do not wake each other', async () => {
    const { queue } = await freshQueue();
    const { executor } = gatedExecutor();
    const workers = [1, 2, 3].map(() => new QueueWorker({ queue, concurrency: 2, executor }));
    for (const worker of workers) {
      await worker.start();
      cleanups.push(() => worker.stop());
    }
    const { jobId } = await queue.submitJob({
      tenant: 't',
      kind: 'tasks',
      tasks: calls('test.echo', 30),
    });
    await until(queue, async () => (await queue.getJob('t', jobId)).state === 'succeeded');
    // Let them settle, then watch for writes over a while.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const before = queue.changes.version;
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(queue.changes.version).toBe(before);
    // And a new submission still wakes them.
    const later = await queue.submitJob({
      tenant: 't',
      kind: 'tasks',
      tasks: calls('test.echo', 3, 'l'),
    });
    await until(queue, async () => (await queue.getJob('t', later.jobId)).state === 'succeeded');
  });

  it('behavior: a worker in another process wakes on a commit, not on a timer', async () => {
    const { queue, path } = await freshQueue();
    // The child's safety-net look is an hour away, and it never polls: only the commit
    // announcement through the signal file can wake it in time for this test.
    const child = spawn(
      process.execPath,
      [join(import.meta.dirname, 'queue-worker.fixture.ts'), path],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    cleanups.push(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        if (String(chunk).includes('idle')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`fixture worker exited (${code})`)));
    });
    for (let round = 0; round < 3; round++) {
      const { jobId } = await queue.submitJob({
        tenant: 't',
        kind: 'tasks',
        tasks: calls('test.echo', 1, `round${round}`),
      });
      await until(queue, async () => (await queue.getJob('t', jobId)).state === 'succeeded');
    }
  });
});
