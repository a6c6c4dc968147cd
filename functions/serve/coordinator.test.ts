import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openQueue } from '../../core/queue/open.ts';
import type { Queue } from '../../core/queue/queue.ts';
import { UPSTREAM } from '../../test/conformance/suite.ts';
import { QueueWorker } from '../worker/queue-worker.ts';
import { Coordinator, type TubeRunOutcome } from './coordinator.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setUp() {
  const dir = mkdtempSync(join(tmpdir(), 'noob-coordinator-'));
  const queue = await openQueue(join(dir, 'noob.db'));
  const worker = new QueueWorker({ queue, idleMs: 2 });
  await worker.start();
  const outcomes = new Map<string, TubeRunOutcome>();
  const coordinator = new Coordinator({
    queue,
    pollMs: 5,
    recordOutcome: async (_tenant, jobId, outcome) => {
      outcomes.set(jobId, outcome);
    },
  });
  coordinator.start();
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  cleanups.push(() => queue.close());
  cleanups.push(() => worker.stop());
  cleanups.push(() => coordinator.stop());
  return { queue, outcomes };
}

async function waitFor(
  outcomes: Map<string, TubeRunOutcome>,
  jobId: string,
): Promise<TubeRunOutcome> {
  for (let i = 0; i < 1000 && !outcomes.has(jobId); i++)
    await new Promise((r) => setTimeout(r, 10));
  return outcomes.get(jobId)!;
}

const submit = (queue: Queue, tube: string, epochs: number) =>
  queue.submitJob({
    tenant: 't1',
    kind: 'tube',
    payload: { tube, inputs: {}, epochs },
    open: true,
  });

describe('Coordinator', () => {
  it('default: runs a submitted tube job through the queue and records run(epochs)', async () => {
    const { queue, outcomes } = await setUp();
    const { jobId } = await submit(
      queue,
      readFileSync(join(UPSTREAM, 'basic', 'basic.yaml'), 'utf8'),
      5,
    );
    expect(await waitFor(outcomes, jobId)).toEqual({ results: [0, 2, 4, 6, 8] });
    const job = await queue.getJob('t1', jobId);
    expect(job.sealed).toBe(true);
    expect(job.progress.done).toBe(5);
  });

  it('error: a tube that fails to load is recorded as the job’s error', async () => {
    const { queue, outcomes } = await setUp();
    const { jobId } = await submit(
      queue,
      readFileSync(join(UPSTREAM, 'special', 'cycle.yaml'), 'utf8'),
      1,
    );
    const outcome = (await waitFor(outcomes, jobId)) as {
      error: { code: string; message: string };
    };
    expect(outcome.error.code).toBe('TubeLoadError');
  });

  it('error: a node failure is recorded with the node, epoch and cause', async () => {
    const { queue, outcomes } = await setUp();
    const { jobId } = await submit(
      queue,
      readFileSync(join(UPSTREAM, 'special', 'error.yaml'), 'utf8'),
      2,
    );
    const outcome = (await waitFor(outcomes, jobId)) as {
      error: { code: string; message: string };
    };
    expect(outcome.error.code).toBe('NodeRunError');
    expect(outcome.error.message).toMatch(
      /node b failed in epoch 0: .*This node just emits errors/,
    );
  });
});
