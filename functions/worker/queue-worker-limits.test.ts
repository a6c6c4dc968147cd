import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defineNode } from '../../core/node/define.ts';
import { createRegistry } from '../../core/node/registry.ts';
import { UnrecoverableError } from '../../core/queue/errors.ts';
import { openQueue } from '../../core/queue/open.ts';
import type { Queue } from '../../core/queue/queue.ts';
import { TaskExecutor } from './executor.ts';
import { QueueWorker } from './queue-worker.ts';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A queue on a fresh file, and a started worker on it running the nodes below. */
async function workerOnFreshQueue(
  options: { maxResultBytes?: number; taskTimeoutMs?: number; heartbeatMs?: number } = {},
) {
  const dir = mkdtempSync(join(tmpdir(), 'noob-worker-limits-'));
  const queue = await openQueue(join(dir, 'noob.db'), { backoffBaseMs: 1 });
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  cleanups.push(() => queue.close());
  const registry = createRegistry();
  registry.register(
    'test.echo',
    defineNode({ slots: { value: {} }, process: ({ value }) => value }),
  );
  registry.register(
    'test.big',
    defineNode({ slots: { size: {} }, process: ({ size }) => 'x'.repeat(size) }),
  );
  registry.register(
    'test.refuse',
    defineNode({
      slots: {},
      process: () => {
        calls.refused++;
        throw new UnrecoverableError('the input names no file');
      },
    }),
  );
  registry.register(
    'test.flaky',
    defineNode({
      slots: {},
      process: () => {
        if (++calls.flaky < 3) throw new Error('connection reset');
        return calls.flaky;
      },
    }),
  );
  registry.register(
    'test.stuck',
    defineNode({
      slots: { always: { default: false } },
      // Ignores its signal: hangs on its first call (or on every call with `always`).
      process: async ({ always }) => {
        if (always || ++calls.stuck === 1) await new Promise(() => {});
        return 'unstuck';
      },
    }),
  );
  const calls = { refused: 0, flaky: 0, stuck: 0, reportFailures: 0 };
  const worker = new QueueWorker({
    queue,
    concurrency: options.taskTimeoutMs ? 1 : 2,
    executor: new TaskExecutor({ registry }),
    onError: () => {
      calls.reportFailures++;
    },
    ...options,
  });
  await worker.start();
  cleanups.push(() => worker.stop());
  return { queue, worker, counts: calls };
}

/** A job of one call of `type`, by node `nodeId`. */
function submitCall(queue: Queue, type: string, nodeId: string, inputs: object = {}) {
  const cid = `${nodeId}-call`;
  return queue.submitJob({
    tenant: 't',
    kind: 'tasks',
    tasks: [{ cid, nodeId, input: { cid, type, nodeId, inputs } }],
  });
}

/** The job once final. */
async function finished(queue: Queue, jobId: string) {
  await queue.changes.until(async () => {
    const { state } = await queue.getJob('t', jobId);
    return state !== 'queued' && state !== 'running';
  });
  return queue.getJob('t', jobId);
}

describe('QueueWorker limits', () => {
  it('error: a result over the size limit fails its task, naming the node and the limit; the worker goes on', async () => {
    const { queue, counts } = await workerOnFreshQueue({ maxResultBytes: 1_000 });
    const big = await submitCall(queue, 'test.big', 'render', { size: 5_000 });
    const job = await finished(queue, big.jobId);
    expect(job.state).toBe('failed');
    expect(job.failures['render-call']).toMatchObject({
      name: 'TaskTooLargeError',
      message: expect.stringMatching(/result of node render is \d+ bytes, over the limit of 1000/),
    });
    // Not retried: the same call gives the same size.
    const retries = (await queue.events('t', big.jobId)).filter((e) => e.type === 'task.queued');
    expect(retries).toEqual([]);
    // The worker is unharmed: the next task runs, and no report kept failing.
    const next = await submitCall(queue, 'test.big', 'small', { size: 10 });
    expect((await finished(queue, next.jobId)).state).toBe('succeeded');
    expect(counts.reportFailures).toBe(0);
  });

  it('behavior: a node error is retried with backoff; an UnrecoverableError is not', async () => {
    const { queue, counts } = await workerOnFreshQueue();
    const flaky = await submitCall(queue, 'test.flaky', 'fetch');
    const retried = await finished(queue, flaky.jobId);
    expect(retried.state).toBe('succeeded');
    const events = await queue.events('t', flaky.jobId);
    expect(events.filter((e) => e.type === 'task.queued')).toHaveLength(2);
    const refused = await submitCall(queue, 'test.refuse', 'open');
    const job = await finished(queue, refused.jobId);
    expect(job.failures['open-call']).toMatchObject({
      name: 'UnrecoverableError',
      message: 'the input names no file',
    });
    expect(counts.refused).toBe(1);
  });

  it('behavior: a call past the task timeout is abandoned, its slot freed, and its task retried', async () => {
    const { queue, counts } = await workerOnFreshQueue({ taskTimeoutMs: 100 });
    const stuck = await submitCall(queue, 'test.stuck', 'poll');
    const job = await finished(queue, stuck.jobId);
    expect(job.state).toBe('succeeded');
    expect(job.results['poll-call']).toMatchObject({ outputs: { value: 'unstuck' } });
    const retry = (await queue.events('t', stuck.jobId)).find((e) => e.type === 'task.queued');
    expect(retry?.data.error).toMatchObject({
      name: 'TaskTimeoutError',
      message: 'node poll ran longer than the task timeout of 100 ms',
    });
    expect(counts.stuck).toBe(2);
  });

  it('behavior: cancelling a job frees the slot of a call that ignores its signal', async () => {
    const { queue } = await workerOnFreshQueue({ taskTimeoutMs: 3_600_000, heartbeatMs: 50 });
    const stuck = await submitCall(queue, 'test.stuck', 'wait', { always: true });
    await queue.changes.until(async () =>
      (await queue.events('t', stuck.jobId)).some((e) => e.type === 'tasks.leased'),
    );
    await queue.cancelJob('t', stuck.jobId);
    // One slot: the next job runs only once the cancelled call is left behind.
    const next = await submitCall(queue, 'test.echo', 'echo', { value: 1 });
    expect((await finished(queue, next.jobId)).state).toBe('succeeded');
  });
});
