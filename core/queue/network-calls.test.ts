import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDriver } from './open.ts';
import { Queue } from './queue.ts';

const root = mkdtempSync(join(tmpdir(), 'noob-network-calls-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

describe('a job run on the peer network counts its calls', () => {
  let queue: Queue;
  beforeEach(async () => {
    queue = new Queue(await openDriver(join(root, `q${n++}.db`)));
  });
  afterEach(() => queue.close());

  const openTubeJob = () =>
    queue.submitJob({ tenant: 'acme', kind: 'tube', payload: { epochs: 3 }, open: true });

  it('default: the counts are its progress and a job.progress event; its results then finish it', async () => {
    const { jobId } = await openTubeJob();
    await queue.recordNetworkCalls('acme', jobId, { total: 3, done: 1, failed: 0, cancelled: 0 });
    let job = await queue.getJob('acme', jobId);
    expect(job.state).toBe('running');
    expect(job.progress).toEqual({ total: 3, done: 1, failed: 0, cancelled: 0 });
    const progress = (await queue.events('acme', jobId)).filter((e) => e.type === 'job.progress');
    expect(progress.at(-1)?.data).toEqual({
      total: 3,
      done: 1,
      failed: 0,
      cancelled: 0,
      epochsDone: 0,
    });
    // Results before the counts add up would leave it running (as tasks would): the run
    // writes its last counts first.
    await queue.recordNetworkCalls('acme', jobId, { total: 3, done: 3, failed: 0, cancelled: 0 });
    await queue.setJobOutcome('acme', jobId, { results: [1, 2, 3] });
    job = await queue.getJob('acme', jobId);
    expect(job.state).toBe('succeeded');
  });

  it('behavior: a run counts from zero: a retried run replaces the counts of the one that failed', async () => {
    const { jobId } = await openTubeJob();
    await queue.recordNetworkCalls('acme', jobId, { total: 2, done: 1, failed: 1, cancelled: 0 });
    await queue.recordNetworkCalls('acme', jobId, { total: 0, done: 0, failed: 0, cancelled: 0 });
    expect((await queue.getJob('acme', jobId)).progress).toEqual({
      total: 0,
      done: 0,
      failed: 0,
      cancelled: 0,
    });
  });

  it("error: another tenant's job, a job with tasks, or a finished one is left alone", async () => {
    const { jobId } = await openTubeJob();
    await queue.recordNetworkCalls('globex', jobId, { total: 5, done: 5, failed: 0, cancelled: 0 });
    expect((await queue.getJob('acme', jobId)).progress.total).toBe(0);
    const withTasks = await queue.submitJob({
      tenant: 'acme',
      kind: 'tasks',
      tasks: [{ cid: 'a', input: 0 }],
    });
    await queue.recordNetworkCalls('acme', withTasks.jobId, {
      total: 9,
      done: 9,
      failed: 0,
      cancelled: 0,
    });
    expect((await queue.getJob('acme', withTasks.jobId)).progress.total).toBe(1);
    await expect(
      queue.recordNetworkCalls('acme', jobId, { total: -1, done: 0, failed: 0, cancelled: 0 }),
    ).rejects.toMatchObject({ name: 'InvalidSubmissionError' });
  });
});
