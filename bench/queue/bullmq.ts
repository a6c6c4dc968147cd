/**
 * The baseline of the queue benchmark: BullMQ on a local Redis, driven the same way as
 * noob's side (bench/queue/noob.ts): no-op jobs added in bulk while one worker runs
 * them, and single jobs timed from submission to the start of their processor.
 */
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Queue, QueueEvents, Worker } from 'bullmq';
import { startChild, stopChild } from './child.ts';
import { wallNow } from './stats.ts';

function connection(port: number) {
  return { host: '127.0.0.1', port, maxRetriesPerRequest: null };
}

let runs = 0;
function queueName(): string {
  return `bench-${process.pid}-${++runs}`;
}

/**
 * No-op jobs per second, end to end: `count` jobs added with `addBulk` in chunks of
 * `chunk` while one Worker with `concurrency` runs them; timed from the first add until
 * the last job completed. With `drain`, the jobs are all added first (untimed) and only
 * their processing is timed.
 */
export async function bullmqThroughput(options: {
  port: number;
  count: number;
  chunk: number;
  concurrency: number;
  drain?: boolean;
}): Promise<number> {
  const name = queueName();
  const queue = new Queue(name, { connection: connection(options.port) });
  let completed = 0;
  let target = Number.POSITIVE_INFINITY;
  let reached: () => void = () => {};
  const worker = new Worker(name, async () => null, {
    connection: connection(options.port),
    concurrency: options.concurrency,
  });
  worker.on('completed', () => {
    if (++completed >= target) reached();
  });
  try {
    await worker.waitUntilReady();
    const add = async (prefix: string, count: number) => {
      for (let i = 0; i < count; i += options.chunk) {
        const size = Math.min(options.chunk, count - i);
        await queue.addBulk(
          Array.from({ length: size }, (_, j) => ({
            name: 'noop',
            data: { i: `${prefix}${i + j}` },
          })),
        );
      }
    };
    // Warm-up, untimed.
    const warmed = new Promise<void>((resolve) => {
      target = 200;
      reached = resolve;
    });
    await add('warm', 200);
    await warmed;
    const done = new Promise<void>((resolve) => {
      target = 200 + options.count;
      reached = resolve;
    });
    if (options.drain) {
      await worker.pause();
      await add('t', options.count);
      const started = performance.now();
      worker.resume();
      await done;
      return options.count / ((performance.now() - started) / 1000);
    }
    const started = performance.now();
    await add('t', options.count);
    await done;
    return options.count / ((performance.now() - started) / 1000);
  } finally {
    await worker.close();
    await queue.obliterate({ force: true });
    await queue.close();
  }
}

/**
 * Submit-to-start latency samples (ms) of single jobs, one at a time, from just before
 * `add` (`submitted`) and from its acknowledgement (`acknowledged`) to the start of the
 * processor. The worker (concurrency 1) runs in this process, or (`separate`) in a child
 * process.
 */
export async function bullmqLatency(options: {
  port: number;
  samples: number;
  separate?: boolean;
}): Promise<{ submitted: number[]; acknowledged: number[] }> {
  const name = queueName();
  const queue = new Queue(name, { connection: connection(options.port) });
  const events = new QueueEvents(name, { connection: connection(options.port) });
  const local = options.separate
    ? undefined
    : new Worker(name, async () => wallNow(), { connection: connection(options.port) });
  const child = options.separate ? await startBullmqWorker(options.port, name) : undefined;
  const submitted: number[] = [];
  const acknowledged: number[] = [];
  try {
    await events.waitUntilReady();
    await local?.waitUntilReady();
    for (let i = -20; i < options.samples; i++) {
      const before = wallNow();
      const job = await queue.add('stamp', { i });
      const after = wallNow();
      const startedAt = (await job.waitUntilFinished(events)) as number;
      if (i < 0) continue;
      submitted.push(startedAt - before);
      acknowledged.push(startedAt - after);
    }
    return { submitted, acknowledged };
  } finally {
    await local?.close();
    await stopChild(child);
    await events.close();
    await queue.obliterate({ force: true });
    await queue.close();
  }
}

/** bench/queue/bullmq-worker.ts as a child process, once its Worker is ready. */
function startBullmqWorker(port: number, name: string): Promise<ChildProcess> {
  return startChild([join(import.meta.dirname, 'bullmq-worker.ts'), String(port), name], 'ready');
}
