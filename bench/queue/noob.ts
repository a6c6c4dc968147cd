/**
 * noob's side of the queue benchmark: the embedded driver (a libSQL file in WAL mode,
 * every submission and completion flushed to disk before it is acknowledged) with real
 * {@link QueueWorker}s, in this process or as a `noob worker` child process.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openQueue } from '../../core/queue/open.ts';
import type { Queue } from '../../core/queue/queue.ts';
import type { TaskSpec } from '../../core/queue/types.ts';
import { TaskExecutor } from '../../functions/worker/executor.ts';
import { QueueWorker } from '../../functions/worker/queue-worker.ts';
import { startChild, stopChild } from './child.ts';
import { wallNow } from './stats.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const NOOP = './bench/queue/nodes.ts#noop';
const STAMP = './bench/queue/nodes.ts#stamp';
const TENANT = 'bench';

/** A fresh queue file, removed by `dispose`. */
async function freshQueue(): Promise<{ queue: Queue; path: string; dispose(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'noob-bench-queue-'));
  const path = join(dir, 'queue.db');
  const queue = await openQueue(path);
  return {
    queue,
    path,
    async dispose() {
      await queue.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function tasks(type: string, prefix: string, count: number): TaskSpec[] {
  return Array.from({ length: count }, (_, i) => {
    const cid = `${prefix}-${i}`;
    return { cid, input: { cid, type } };
  });
}

/** Resolves once every job has succeeded (throws if one ends otherwise). */
async function untilSucceeded(queue: Queue, jobIds: readonly string[]): Promise<void> {
  for (const jobId of jobIds) {
    await queue.changes.until(async () => {
      const { state } = await queue.getJob(TENANT, jobId);
      if (state === 'failed' || state === 'cancelled') throw new Error(`job ${jobId} ${state}`);
      return state === 'succeeded';
    });
  }
}

/**
 * No-op tasks per second, end to end: `count` tasks submitted in jobs of `chunk` while
 * one worker with `concurrency` slots runs them; timed from the first submission until
 * the last result is recorded. The worker runs in this process, or (`separate`) as a
 * `noob worker` process. With `drain`, the tasks are all submitted first (untimed) and
 * only their processing is timed, by a worker in this process.
 */
export async function noobThroughput(options: {
  count: number;
  chunk: number;
  concurrency: number;
  separate?: boolean;
  drain?: boolean;
}): Promise<number> {
  if (options.drain) return noobDrain(options);
  const { queue, path, dispose } = await freshQueue();
  const local = options.separate
    ? undefined
    : new QueueWorker({ queue, concurrency: options.concurrency, executor: executor() });
  const child = options.separate ? await startWorkerProcess(path, options.concurrency) : undefined;
  try {
    await local?.start();
    // Warm-up (module loading, JIT), untimed.
    const warm = await queue.submitJob({
      tenant: TENANT,
      kind: 'tasks',
      tasks: tasks(NOOP, 'warm', 200),
    });
    await untilSucceeded(queue, [warm.jobId]);
    const started = performance.now();
    const jobIds: string[] = [];
    for (let i = 0; i < options.count; i += options.chunk) {
      const batch = tasks(NOOP, `t${i}`, Math.min(options.chunk, options.count - i));
      jobIds.push((await queue.submitJob({ tenant: TENANT, kind: 'tasks', tasks: batch })).jobId);
    }
    // A worker in this process counts its results: reading jobs would compete with it.
    if (local) await queue.changes.until(() => local.reported >= options.count + 200);
    else await untilSucceeded(queue, jobIds);
    const seconds = (performance.now() - started) / 1000;
    await untilSucceeded(queue, jobIds);
    return options.count / seconds;
  } finally {
    await local?.stop();
    await stopChild(child);
    await dispose();
  }
}

/** Tasks per second processing `count` tasks already in the queue (see noobThroughput). */
async function noobDrain(options: { count: number; chunk: number; concurrency: number }) {
  const { queue, dispose } = await freshQueue();
  const worker = () =>
    new QueueWorker({ queue, concurrency: options.concurrency, executor: executor() });
  try {
    const warming = worker();
    await warming.start();
    const warm = await queue.submitJob({
      tenant: TENANT,
      kind: 'tasks',
      tasks: tasks(NOOP, 'warm', 200),
    });
    await untilSucceeded(queue, [warm.jobId]);
    await warming.stop();
    const jobIds: string[] = [];
    for (let i = 0; i < options.count; i += options.chunk) {
      const batch = tasks(NOOP, `t${i}`, Math.min(options.chunk, options.count - i));
      jobIds.push((await queue.submitJob({ tenant: TENANT, kind: 'tasks', tasks: batch })).jobId);
    }
    const draining = worker();
    const started = performance.now();
    await draining.start();
    await queue.changes.until(() => draining.reported >= options.count);
    const seconds = (performance.now() - started) / 1000;
    await draining.stop();
    await untilSucceeded(queue, jobIds);
    return options.count / seconds;
  } finally {
    await dispose();
  }
}

/**
 * Submit-to-start latency samples (ms): one single-task job at a time, each timed from
 * just before its submission (`submitted`) and from its acknowledgement (`acknowledged`,
 * the submission durable on disk) to the moment its call starts. A worker can start a
 * task before the acknowledgement: in this process it is handed the task before the
 * submission commits (see core/queue/handoff.ts), in another once the submission commits,
 * while the flush that the acknowledgement waits for is still under way. The figure from
 * the acknowledgement is then negative. The worker (one slot) runs in this process, or
 * (`separate`) as a `noob worker` process.
 */
export async function noobLatency(options: {
  samples: number;
  separate?: boolean;
}): Promise<{ submitted: number[]; acknowledged: number[] }> {
  const { queue, path, dispose } = await freshQueue();
  const local = options.separate
    ? undefined
    : new QueueWorker({ queue, concurrency: 1, executor: executor() });
  const child = options.separate ? await startWorkerProcess(path, 1) : undefined;
  const submitted: number[] = [];
  const acknowledged: number[] = [];
  try {
    await local?.start();
    for (let i = -20; i < options.samples; i++) {
      const [task] = tasks(STAMP, `lat${i}`, 1);
      const before = wallNow();
      const { jobId } = await queue.submitJob({ tenant: TENANT, kind: 'tasks', tasks: [task!] });
      const after = wallNow();
      let startedAt = 0;
      await queue.changes.until(async () => {
        const outcome = await queue.taskOutcome(TENANT, jobId, task!.cid);
        if (outcome?.state !== 'succeeded') return false;
        startedAt = (outcome.result as { outputs: { value: number } }).outputs.value;
        return true;
      });
      // The first few warm up module loading and JIT.
      if (i < 0) continue;
      submitted.push(startedAt - before);
      acknowledged.push(startedAt - after);
    }
    return { submitted, acknowledged };
  } finally {
    await local?.stop();
    await stopChild(child);
    await dispose();
  }
}

function executor(): TaskExecutor {
  return new TaskExecutor({ directory: ROOT });
}

/** `noob worker --db PATH` as a child process, once it has registered with the queue. */
function startWorkerProcess(path: string, concurrency: number): Promise<ChildProcess> {
  const args = ['worker', '--db', path, '--concurrency', String(concurrency)];
  return startChild([join(ROOT, 'bin', 'noob.js'), ...args], 'pulling from', ROOT);
}
