import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'libsql';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defineNode } from '../../core/node/define.ts';
import { createRegistry } from '../../core/node/registry.ts';
import type { ClaimOffer } from '../../core/queue/offers.ts';
import { openQueue } from '../../core/queue/open.ts';
import type { Queue } from '../../core/queue/queue.ts';
import type { TaskSpec } from '../../core/queue/types.ts';
import { TaskExecutor } from './executor.ts';
import { QueueWorker } from './queue-worker.ts';
import type { QueueWorkerOptions } from './queue-worker-options.ts';

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

/** A worker on `options`, started, and stopped after the test. */
async function startedWorker(options: QueueWorkerOptions): Promise<QueueWorker> {
  const worker = new QueueWorker(options);
  await worker.start();
  cleanups.push(() => worker.stop());
  return worker;
}

/** Node calls of `type` as queue tasks, `prefix-0` … */
function calls(type: string, count: number, prefix = type): TaskSpec[] {
  return Array.from({ length: count }, (_, i) => {
    const cid = `${prefix}-${i}`;
    return { cid, input: { cid, type, inputs: { value: i } } };
  });
}

/** Resolves when `check` holds, looking again after each commit to the queue. */
function until(queue: Queue, check: () => Promise<boolean> | boolean): Promise<void> {
  return queue.changes.until(check);
}

/** Resolves once the job has succeeded. */
function untilSucceeded(queue: Queue, jobId: string): Promise<void> {
  return until(queue, async () => (await queue.getJob('t', jobId)).state === 'succeeded');
}

/**
 * Watches the offers a worker registers (see Queue.offer): `handOffReady()` resolves once
 * one is up whose look still holds, so that a submission now is handed to it.
 */
function watchOffers(queue: Queue): { handOffReady: () => Promise<void> } {
  const live = new Set<ClaimOffer>();
  const offer = queue.offer.bind(queue);
  queue.offer = (o) => {
    live.add(o);
    const withdraw = offer(o);
    return () => {
      live.delete(o);
      withdraw();
    };
  };
  return {
    handOffReady: () =>
      vi.waitFor(() => expect([...live].some((o) => o.idle?.() !== undefined)).toBe(true)),
  };
}

/** A registry of the built-ins and `test.echo`, which returns its `value`. */
function echoRegistry() {
  const registry = createRegistry();
  registry.register(
    'test.echo',
    defineNode({ slots: { value: {} }, process: ({ value }) => value }),
  );
  return registry;
}

/** A gate a test opens: calls of the `test.gated` node wait for it. */
function gatedExecutor() {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  let started = 0;
  const registry = echoRegistry();
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
    const worker = await startedWorker({ queue, concurrency: 4, executor });
    const { jobId } = await queue.submitJob({
      tenant: 't',
      kind: 'tasks',
      tasks: calls('test.echo', 600),
    });
    await untilSucceeded(queue, jobId);
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
    await untilSucceeded(queue, jobId);
    expect(told).toHaveLength(3);
    expect(String(told[0])).toContain('disk I/O error');
    expect(worker.reported).toBe(40);
    const job = await queue.getJob('t', jobId);
    expect(Object.keys(job.results)).toHaveLength(40);
  });

  it('behavior: while stopping, a call longer than its lease keeps the lease and its result counts', async () => {
    const { queue } = await freshQueue();
    const { executor, open, started } = gatedExecutor();
    const worker = new QueueWorker({ queue, concurrency: 1, executor, leaseMs: 300 });
    await worker.start();
    const { jobId } = await queue.submitJob({
      tenant: 't',
      kind: 'tasks',
      // A lost lease would hand the task to `other`.
      tasks: calls('test.gated', 1).map((task) => ({ ...task, maxAttempts: 1 })),
    });
    await until(queue, () => started() === 1);
    const stopped = worker.stop();
    // Another worker looks for work (and reaps expired leases) over several lease lengths.
    for (let i = 0; i < 8; i++) {
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(await queue.claim({ workerId: 'other', max: 5 })).toEqual([]);
    }
    open();
    await stopped;
    expect(worker.reported).toBe(1);
    const job = await queue.getJob('t', jobId);
    expect(job.state).toBe('succeeded');
    expect(job.results['test.gated-0']).toMatchObject({ outputs: { value: 0 } });
  });

  it('behavior: a worker whose slots are all busy sleeps (no busy loop once leases were due)', async () => {
    const { queue } = await freshQueue();
    const { executor, open, started } = gatedExecutor();
    await startedWorker({ queue, concurrency: 2, executor, leaseMs: 200 });
    await queue.submitJob({ tenant: 't', kind: 'tasks', tasks: calls('test.gated', 1, 'a') });
    await until(queue, () => started() === 1);
    // With a slot free, the worker looks after a commit and learns when its lease is due.
    await queue.registerWorker('someone-else');
    await new Promise((resolve) => setTimeout(resolve, 50));
    await queue.submitJob({ tenant: 't', kind: 'tasks', tasks: calls('test.gated', 1, 'b') });
    await until(queue, () => started() === 2);
    let waits = 0;
    const wait = queue.changes.wait.bind(queue.changes);
    queue.changes.wait = (...args) => {
      waits++;
      return wait(...args);
    };
    // Several lease lengths with both slots busy: heartbeats, but no spinning.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    open();
    expect(waits).toBeLessThan(100);
  });

  it('behavior: after a failure the worker waits its backoff, even with results waiting', async () => {
    const { queue } = await freshQueue();
    const { executor } = gatedExecutor();
    const told: number[] = [];
    const worker = new QueueWorker({
      queue,
      concurrency: 1,
      executor,
      onError: (_error, retryInMs) => told.push(retryInMs),
    });
    let down = true;
    const real = queue.completeAndClaim.bind(queue);
    queue.completeAndClaim = async (...args) => {
      if (down && args[0].length > 0) throw new Error('disk I/O error');
      return real(...args);
    };
    await worker.start();
    cleanups.push(() => worker.stop());
    const { jobId } = await queue.submitJob({
      tenant: 't',
      kind: 'tasks',
      tasks: calls('test.echo', 3),
    });
    await until(queue, () => told.length > 0);
    await new Promise((resolve) => setTimeout(resolve, 500));
    // Backoff 100, 200, 400 ms …: a handful of tries in half a second, not hundreds.
    expect(told.length).toBeLessThan(10);
    expect(told.slice(0, 3)).toEqual([100, 200, 400]);
    down = false;
    await untilSucceeded(queue, jobId);
    expect(worker.reported).toBe(3);
  });

  it('behavior: a worker with more slots than one claim may take still claims and runs', async () => {
    const { queue } = await freshQueue();
    const { executor } = gatedExecutor();
    const errors: unknown[] = [];
    const worker = await startedWorker({
      queue,
      concurrency: 1_200,
      executor,
      onError: (error) => errors.push(error),
    });
    const { jobId } = await queue.submitJob({
      tenant: 't',
      kind: 'tasks',
      tasks: calls('test.echo', 3_000),
    });
    await untilSucceeded(queue, jobId);
    expect(errors).toEqual([]);
    expect(worker.reported).toBe(3_000);
  });

  it('behavior: stop() during a look at the queue is not lost', async () => {
    const { queue } = await freshQueue();
    const { executor } = gatedExecutor();
    // No safety-net look for an hour: only the stop request can end the sleep.
    const worker = new QueueWorker({ queue, concurrency: 1, executor, rescanMs: 3_600_000 });
    let stopping: Promise<void> | undefined;
    const look = queue.nextReady.bind(queue);
    queue.nextReady = async (...args) => {
      stopping ??= worker.stop();
      return look(...args);
    };
    await worker.start();
    // A commit makes the idle worker look.
    await queue.registerWorker('someone-else');
    await until(queue, () => stopping !== undefined);
    await stopping;
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
    await untilSucceeded(queue, warm.jobId);
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
    await untilSucceeded(queue, jobId);
    // Let them settle (and write the latency observations of that work, which would
    // otherwise go out on their own within a second), then watch for writes a while.
    await new Promise((resolve) => setTimeout(resolve, 100));
    await queue.taskLatency();
    const before = queue.changes.version;
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(queue.changes.version).toBe(before);
    // And a new submission still wakes them.
    const later = await queue.submitJob({
      tenant: 't',
      kind: 'tasks',
      tasks: calls('test.echo', 3, 'l'),
    });
    await untilSucceeded(queue, later.jobId);
  });

  it('behavior: an idle worker starts a task submitted in its process before the submission commits', async () => {
    const { queue, path } = await freshQueue();
    // What another connection sees when the call starts: committed rows only.
    const reader = new Database(path, { readonly: true });
    cleanups.push(() => reader.close());
    const storedWhenStarted: number[] = [];
    const registry = createRegistry();
    registry.register(
      'test.probe',
      defineNode({
        slots: { value: {} },
        process: ({ value }) => {
          const row = reader.prepare('SELECT count(*) AS n FROM tasks').get() as { n: number };
          storedWhenStarted.push(row.n);
          return value;
        },
      }),
    );
    const offers = watchOffers(queue);
    const worker = await startedWorker({
      queue,
      concurrency: 1,
      executor: new TaskExecutor({ registry }),
    });
    for (let round = 0; round < 3; round++) {
      await offers.handOffReady();
      const { jobId } = await queue.submitJob({
        tenant: 't',
        kind: 'tasks',
        tasks: calls('test.probe', 1, `r${round}`),
      });
      await untilSucceeded(queue, jobId);
      const outcome = await queue.taskOutcome('t', jobId, `r${round}-0`);
      expect(outcome).toMatchObject({ state: 'succeeded', result: { outputs: { value: 0 } } });
    }
    // Each call started while its task was not yet stored (the earlier ones were).
    expect(storedWhenStarted).toEqual([0, 1, 2]);
    expect(worker.reported).toBe(3);
  });

  it('behavior: stopping with handed-over tasks beyond its slots gives them back before stop() ends', async () => {
    const { queue } = await freshQueue();
    const offers = watchOffers(queue);
    const { executor, open } = gatedExecutor();
    const worker = await startedWorker({ queue, concurrency: 1, executor });
    // Fast calls first: the worker then holds far more than its one slot.
    const warm = await queue.submitJob({
      tenant: 't',
      kind: 'tasks',
      tasks: calls('test.echo', 20),
    });
    await untilSucceeded(queue, warm.jobId);
    await offers.handOffReady();
    const submitted = queue.submitJob({
      tenant: 't',
      kind: 'tasks',
      tasks: calls('test.gated', 4),
    });
    // One runs; three wait for their ids (the commit) when stop() begins.
    const stopped = worker.stop();
    open();
    await stopped;
    const { jobId } = await submitted;
    const states = await Promise.all(
      calls('test.gated', 4).map(
        async ({ cid }) => (await queue.taskOutcome('t', jobId, cid))?.state,
      ),
    );
    expect(states).toEqual(['succeeded', 'queued', 'queued', 'queued']);
    // Given back without an attempt counted: the next claim is their first.
    const again = await queue.claim({ workerId: 'next', max: 4 });
    expect(again.map((task) => task.attempt)).toEqual([1, 1, 1]);
  });

  it('behavior: a handed-over task whose submission fails is aborted and not reported; the worker carries on', async () => {
    const { queue } = await freshQueue();
    await queue.driver.execute({
      sql: `CREATE TRIGGER poison BEFORE INSERT ON tasks WHEN new.cid LIKE 'poison%'
        BEGIN SELECT RAISE(ABORT, 'poisoned task (injected)'); END`,
      params: {},
    });
    const aborted: unknown[] = [];
    const registry = echoRegistry();
    registry.register(
      'test.wait',
      defineNode({
        slots: { value: {} },
        process: (_inputs, { signal }) =>
          new Promise((resolve) => {
            signal.addEventListener('abort', () => {
              aborted.push(signal.reason);
              resolve('too late');
            });
          }),
      }),
    );
    const offers = watchOffers(queue);
    const worker = await startedWorker({
      queue,
      concurrency: 1,
      executor: new TaskExecutor({ registry }),
    });
    await offers.handOffReady();
    await expect(
      queue.submitJob({ tenant: 't', kind: 'tasks', tasks: calls('test.wait', 1, 'poison') }),
    ).rejects.toThrow('poisoned task (injected)');
    await vi.waitFor(() => expect(aborted).toHaveLength(1));
    expect(String(aborted[0])).toMatch(/poisoned task/);
    // It goes on to the next submission as usual.
    const { jobId } = await queue.submitJob({
      tenant: 't',
      kind: 'tasks',
      tasks: calls('test.echo', 1),
    });
    await untilSucceeded(queue, jobId);
    expect(worker.reported).toBe(1);
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
      await untilSucceeded(queue, jobId);
    }
  });
});
