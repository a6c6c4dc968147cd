import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { claimJob } from '../../core/queue/job-leases.ts';
import { type OpenQueueOptions, openQueue } from '../../core/queue/open.ts';
import type { Queue } from '../../core/queue/queue.ts';
import { waitingTube } from '../../test/platform/tubes.ts';
import { startSqld } from '../../test/queue/sqld.ts';
import { QueueWorker } from '../worker/queue-worker.ts';
import { Coordinator, type CoordinatorOptions, type TubeRunOutcome } from './coordinator.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A queue (embedded unless `url`), with outcomes recorded into a map, and cleanups. */
async function queueWithOutcomes(url?: string) {
  const dir = mkdtempSync(join(tmpdir(), 'noob-admission-'));
  const options: OpenQueueOptions = {};
  const queue = await openQueue(url ?? join(dir, 'noob.db'), options);
  const outcomes = new Map<string, TubeRunOutcome>();
  const order: string[] = [];
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  cleanups.push(() => queue.close());
  const coordinator = (options: Partial<CoordinatorOptions> = {}) => {
    const started = new Coordinator({
      queue,
      pollMs: 5,
      recordOutcome: async (tenant, jobId, outcome) => {
        await queue.setJobOutcome(tenant, jobId, outcome);
        outcomes.set(jobId, outcome);
        order.push(jobId);
      },
      ...options,
    });
    started.start();
    cleanups.push(() => started.stop());
    return started;
  };
  const worker = async (tags: string[] = []) => {
    const started = new QueueWorker({ queue, idleMs: 2, tags });
    await started.start();
    cleanups.push(() => started.stop());
    return started;
  };
  return { queue, outcomes, order, coordinator, worker };
}

const submit = (queue: Queue, tenant: string, tube: string, epochs = 1, tags?: string[]) =>
  queue
    .submitJob({
      tenant,
      kind: 'tube',
      payload: { tube, inputs: {}, epochs, ...(tags ? { tags } : {}) },
      open: true,
    })
    .then(({ jobId }) => jobId);

async function waitFor(outcomes: Map<string, TubeRunOutcome>, jobId: string) {
  for (let i = 0; i < 2000 && !outcomes.has(jobId); i++)
    await new Promise((r) => setTimeout(r, 10));
  if (!outcomes.has(jobId)) throw new Error(`job ${jobId} has no outcome`);
  return outcomes.get(jobId)!;
}

describe('Coordinator admission', () => {
  it('behavior: a tenant that queued first and most does not hold every slot: another tenant’s job runs next', async () => {
    const { queue, outcomes, order, coordinator, worker } = await queueWithOutcomes();
    await worker();
    const flood: string[] = [];
    for (let i = 0; i < 6; i++) flood.push(await submit(queue, 'flood', waitingTube(0.2)));
    const other = await submit(queue, 'other', waitingTube(0.2));
    coordinator({ concurrency: 2 });
    expect(await waitFor(outcomes, other)).toEqual({ results: [0] });
    // Oldest-first would have run all six of the flood first.
    expect(order.filter((id) => flood.includes(id)).length).toBeLessThanOrEqual(2);
    for (const id of flood) expect(await waitFor(outcomes, id)).toEqual({ results: [0] });
  });

  it('behavior: priority goes first within a tenant', async () => {
    const { queue, outcomes, order, coordinator, worker } = await queueWithOutcomes();
    await worker();
    const low = await submit(queue, 't1', waitingTube(0));
    const { jobId: critical } = await queue.submitJob({
      tenant: 't1',
      kind: 'tube',
      payload: { tube: waitingTube(0), inputs: {}, epochs: 1 },
      priority: 'CRITICAL',
      open: true,
    });
    coordinator({ concurrency: 1 });
    await waitFor(outcomes, low);
    expect(order).toEqual([critical, low]);
  });

  it('behavior: a job needing tags no worker offers waits without holding the slot, and runs once such a worker comes', async () => {
    const { queue, outcomes, coordinator, worker } = await queueWithOutcomes();
    await worker();
    const gpu = await submit(queue, 't1', waitingTube(0), 1, ['gpu']);
    const plain = await submit(queue, 't1', waitingTube(0));
    coordinator({ concurrency: 1 });
    expect(await waitFor(outcomes, plain)).toEqual({ results: [0] });
    expect(outcomes.has(gpu)).toBe(false);
    await worker(['gpu']);
    expect(await waitFor(outcomes, gpu)).toEqual({ results: [0] });
  });

  it('error: a job whose coordinators kept dying while running it fails with a reason; another tenant’s job runs', async () => {
    const { queue, outcomes, coordinator, worker } = await queueWithOutcomes();
    await worker();
    const poison = await submit(queue, 'mallory', waitingTube(0));
    const fine = await submit(queue, 'alice', waitingTube(0));
    // Three coordinators took the job in turn and died holding it (their leases expired).
    const t = Date.now() - 10_000;
    for (let i = 0; i < 3; i++) {
      expect(await claimJob(queue.driver, poison, `dead-${i}`, 1, t + 2 * i)).toBe(i);
    }
    coordinator({ maxLosses: 3 });
    const outcome = await waitFor(outcomes, poison);
    expect(outcome).toMatchObject({ error: { code: 'CoordinatorLostError' } });
    expect((outcome as { error: { message: string } }).error.message).toMatch(
      /died or lost its lease 3 times.*failed instead of being run again/,
    );
    expect((await queue.getJob('mallory', poison)).state).toBe('failed');
    expect(await waitFor(outcomes, fine)).toEqual({ results: [0] });
  });

  it('behavior: stop gives the leases back: another coordinator takes the runs over at once, with no loss counted', async () => {
    const { queue, outcomes, coordinator, worker } = await queueWithOutcomes();
    await worker();
    const jobId = await submit(queue, 't1', waitingTube(0.3), 3);
    // A lease long enough that a take-over before it expires proves it was given back.
    const first = coordinator({ leaseMs: 600_000 });
    for (let i = 0; i < 500 && (await queue.getJob('t1', jobId)).progress.done < 1; i++)
      await new Promise((r) => setTimeout(r, 10));
    await first.stop();
    coordinator({ leaseMs: 600_000 });
    expect(await waitFor(outcomes, jobId)).toEqual({ results: [0, 1, 2] });
  });

  it('behavior: a finished run starts the next waiting one at once, with no rescan (a remote database that announces nothing)', async () => {
    const sqld = await startSqld();
    cleanups.push(() => sqld.stop());
    const { queue, outcomes, coordinator, worker } = await queueWithOutcomes(sqld.url);
    await worker();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push(await submit(queue, 't1', waitingTube(0)));
    // Polls once an hour: only the wake-up of a freed slot can start jobs 2 and 3.
    coordinator({ concurrency: 1, pollMs: 3_600_000 });
    for (const id of ids) expect(await waitFor(outcomes, id)).toEqual({ results: [0] });
  });
});
