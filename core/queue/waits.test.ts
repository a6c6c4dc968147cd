import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openQueue } from './open.ts';
import type { Queue } from './queue.ts';
import { explainWait } from './waits.ts';
import { reapWorkers, workerDeadMs } from './worker-presence.ts';

const TUBE = 'noob_id: w\nnodes:\n  a:\n    type: noob.testing.count_source\n';

let queue: Queue;
let dir: string;
afterEach(async () => {
  await queue.close();
  rmSync(dir, { recursive: true, force: true });
});

async function fresh(): Promise<Queue> {
  dir = mkdtempSync(join(tmpdir(), 'noob-waits-'));
  queue = await openQueue(join(dir, 'noob.db'));
  return queue;
}

const tubeJob = async (tags: string[] = []) =>
  (await queue.submitJob({ tenant: 't', kind: 'tube', payload: { tube: TUBE, tags }, open: true }))
    .jobId;

describe('explainWait', () => {
  it('behavior: with no worker at all, a job waits for workers and says how to start one', async () => {
    await fresh();
    const wait = await explainWait(queue.driver, await tubeJob());
    expect(wait).toMatchObject({ reason: 'no_workers' });
    expect(wait?.detail).toMatch(/no worker is running on this queue.*noob worker --db/);
  });

  it('behavior: tags no live worker offers are named, with what the workers offer', async () => {
    await fresh();
    await queue.registerWorker('w-cpu', ['cpu']);
    const wait = await explainWait(queue.driver, await tubeJob(['gpu', 'region:eu']));
    expect(wait).toMatchObject({ reason: 'no_matching_workers' });
    expect(wait?.detail).toMatch(/tags gpu, region:eu; the running workers offer \[cpu\]/);
  });

  it('behavior: tasks ready for a live worker with the tags are waiting for a free one; none once leased', async () => {
    await fresh();
    await queue.registerWorker('w1', ['gpu']);
    const { jobId } = await queue.submitJob({
      tenant: 't',
      kind: 'tasks',
      tasks: [{ cid: 'c1', input: {}, tags: ['gpu'] }],
    });
    expect(await explainWait(queue.driver, jobId)).toMatchObject({ reason: 'workers_busy' });
    await queue.claim({ workerId: 'w1', tags: ['gpu'], max: 1 });
    expect(await explainWait(queue.driver, jobId)).toBeNull();
  });

  it('behavior: a task that is not due yet says when it is', async () => {
    await fresh();
    await queue.registerWorker('w1', []);
    const { jobId } = await queue.submitJob({
      tenant: 't',
      kind: 'tasks',
      tasks: [{ cid: 'c1', input: {}, delayMs: 60_000 }],
    });
    const wait = await explainWait(queue.driver, jobId);
    expect(wait).toMatchObject({ reason: 'retry_backoff' });
    expect(wait?.detail).toMatch(/next task is due at \d{4}-/);
  });

  it('behavior: a worker unseen for NOOB_WORKER_DEAD_MS is not counted, and is reaped', async () => {
    await fresh();
    await queue.registerWorker('w-old', []);
    const later = Date.now() + workerDeadMs() + 1_000;
    const job = await tubeJob();
    expect(await explainWait(queue.driver, job)).toBeNull(); // live: a coordinator's to take
    expect(await explainWait(queue.driver, job, later)).toMatchObject({ reason: 'no_workers' });
    expect(await reapWorkers(queue.driver, workerDeadMs(), later)).toEqual(['w-old']);
    expect(await queue.listWorkers()).toEqual([]);
  });

  it('behavior: a worker function (a standing entry) stays live and is never reaped', async () => {
    await fresh();
    await queue.registerWorker('lambda-function:noob-worker', []);
    const later = Date.now() + workerDeadMs() + 1_000;
    expect(await reapWorkers(queue.driver, workerDeadMs(), later)).toEqual([]);
    // Workers are there: what it waits for a minute on is a coordinator.
    expect(await explainWait(queue.driver, await tubeJob(), later)).toMatchObject({
      reason: 'no_coordinator',
    });
  });

  it('behavior: a finished or unknown job waits on nothing', async () => {
    await fresh();
    const job = await tubeJob();
    await queue.cancelJob('t', job);
    expect(await explainWait(queue.driver, job)).toBeNull();
    expect(await explainWait(queue.driver, 'no-such-job')).toBeNull();
  });
});
