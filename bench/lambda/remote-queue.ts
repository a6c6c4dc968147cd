/**
 * The remote queue's row of `npm run bench -- lambda`: no-op tasks per second drained by
 * 4 worker processes, the same tasks submitted the same way (jobs of 1000 from this
 * process while the workers run them), on these stores, paired by what a power loss can
 * take of what they acknowledged:
 *
 * - sqld, the remote libSQL server the Lambda path uses, with 4 `noob worker --db URL`,
 *   as started by default (its WAL is flushed to disk only at a checkpoint, hourly);
 * - the same sqld with `--checkpoint-interval-s 1`: its WAL flushed and checkpointed
 *   every second (sqld 0.24 has no way to flush each commit: docs/lambda-performance.md),
 *   beside BullMQ on Redis with `appendfsync everysec`, the same promise;
 * - an embedded libSQL file (every commit flushed to disk before it is acknowledged),
 *   with 4 `noob worker --db PATH` on the same file, beside BullMQ on Redis with
 *   `appendfsync always` (every write fsynced before it is acknowledged), the durable
 *   figure; BullMQ runs as 4 processes of bench/queue/bullmq-worker.ts.
 *
 * Timed from the first submission until the last task is done, seen by a look every
 * {@link LOOK_MS} on every store alike. Each worker process runs 16 calls at once.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue as BullQueue } from 'bullmq';
import { openQueue } from '../../core/queue/open.ts';
import type { Queue } from '../../core/queue/queue.ts';
import { startSqld } from '../../test/queue/sqld.ts';
import { startChild, stopChild } from '../queue/child.ts';
import { startRedis } from '../queue/redis.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const NOOP = './bench/queue/nodes.ts#noop';
const TENANT = 'bench';
const CHUNK = 1_000;
const WARMUP = 200;
/** How often the end is looked for (ms). */
const LOOK_MS = 10;
/** Looks at most before giving up on a round: every loop is bounded (10 minutes). */
const MAX_LOOKS = 60_000;

/** What {@link remoteQueueRow} measures with. */
export interface RemoteQueueOptions {
  /** Tasks per round. */
  tasks: number;
  /** Worker processes (4). */
  processes: number;
  /** Calls at once in each (16). */
  concurrency: number;
}

/** Tasks per second on each store, measured in this order in one run. */
export interface RemoteQueueRow {
  /** sqld as started by default. */
  sqld: number;
  /** sqld with its WAL flushed and checkpointed every second. */
  sqldEverySecond: number;
  /** BullMQ, Redis `appendfsync everysec`. */
  bullmqEverySecond: number;
  embedded: number;
  /** BullMQ, Redis `appendfsync always`. */
  bullmqFsync: number;
}

/** sqld's flags for a WAL flushed to disk every second (its checkpoint fsyncs it). */
export const SQLD_EVERY_SECOND = ['--checkpoint-interval-s', '1'];

/** Measure the stores (see the module's comment). */
export async function remoteQueueRow(options: RemoteQueueOptions): Promise<RemoteQueueRow> {
  const onSqld = async (args: string[]) => {
    const sqld = await startSqld(args);
    try {
      return await noobRate(sqld.url, options);
    } finally {
      await sqld.stop();
    }
  };
  const sqld = await onSqld([]);
  const sqldEverySecond = await onSqld(SQLD_EVERY_SECOND);
  const bullmqEverySecond = await bullmqRate(options, 'everysec');
  const dir = mkdtempSync(join(tmpdir(), 'noob-bench-remote-row-'));
  let embedded: number;
  try {
    embedded = await noobRate(join(dir, 'queue.db'), options);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const bullmqFsync = await bullmqRate(options, true);
  return { sqld, sqldEverySecond, bullmqEverySecond, embedded, bullmqFsync };
}

/** The row's lines for bench lambda's table. */
export function remoteQueueLines(row: RemoteQueueRow, options: RemoteQueueOptions): string[] {
  const vs = (rate: number, base: number) => `${rate.toFixed(0)}   (${(rate / base).toFixed(2)}x`;
  return [
    `remote queue, ${options.processes} worker processes (${options.concurrency} calls at once each), ${options.tasks} no-op tasks, tasks/s:`,
    `  sqld, defaults (WAL flushed hourly)      ${vs(row.sqld, row.bullmqFsync)} BullMQ fsync always)`,
    `  sqld, --checkpoint-interval-s 1          ${vs(row.sqldEverySecond, row.bullmqEverySecond)} BullMQ everysec)`,
    `  BullMQ, Redis appendfsync everysec       ${row.bullmqEverySecond.toFixed(0)}`,
    `  embedded libSQL file (fsync per commit)  ${vs(row.embedded, row.bullmqFsync)} BullMQ fsync always)`,
    `  BullMQ, Redis appendfsync always         ${row.bullmqFsync.toFixed(0)}`,
  ];
}

/** `options.processes` `noob worker` processes on `url`, draining no-op tasks. */
async function noobRate(url: string, options: RemoteQueueOptions): Promise<number> {
  const queue = await openQueue(url);
  const workers: ChildProcess[] = [];
  try {
    for (let i = 0; i < options.processes; i++) {
      const args = ['worker', '--db', url, '--concurrency', String(options.concurrency)];
      workers.push(await startChild([join(ROOT, 'bin', 'noob.js'), ...args], 'pulling from', ROOT));
    }
    await untilDone(queue, [await submit(queue, 'warm', WARMUP)]);
    const started = performance.now();
    const jobs: string[] = [];
    for (let i = 0; i < options.tasks; i += CHUNK) {
      jobs.push(await submit(queue, `t${i}`, Math.min(CHUNK, options.tasks - i)));
    }
    await untilDone(queue, jobs);
    return options.tasks / ((performance.now() - started) / 1000);
  } finally {
    await Promise.all(workers.map((worker) => stopChild(worker)));
    await queue.close();
  }
}

async function submit(queue: Queue, prefix: string, count: number): Promise<string> {
  const tasks = Array.from({ length: count }, (_, i) => {
    const cid = `${prefix}-${i}`;
    return { cid, input: { cid, type: NOOP } };
  });
  return (await queue.submitJob({ tenant: TENANT, kind: 'tasks', tasks })).jobId;
}

/** Resolves once every job has succeeded, looking every {@link LOOK_MS}. */
async function untilDone(queue: Queue, jobIds: readonly string[]): Promise<void> {
  let next = 0;
  for (let look = 0; look < MAX_LOOKS && next < jobIds.length; look++) {
    const { state } = await queue.getJob(TENANT, jobIds[next]!, { taskResults: false });
    if (state === 'failed' || state === 'cancelled') throw new Error(`a bench job ${state}`);
    if (state === 'succeeded') next++;
    else await new Promise((done) => setTimeout(done, LOOK_MS));
  }
  if (next < jobIds.length) throw new Error('the bench jobs did not finish in 10 minutes');
}

/** The same with BullMQ on a Redis flushing as `fsync` says, and `options.processes` worker processes. */
async function bullmqRate(options: RemoteQueueOptions, fsync: true | 'everysec'): Promise<number> {
  const redis = await startRedis(fsync);
  const connection = { host: '127.0.0.1', port: redis.port, maxRetriesPerRequest: null };
  const name = `bench-remote-row-${process.pid}`;
  const queue = new BullQueue(name, { connection });
  const workers: ChildProcess[] = [];
  try {
    const worker = join(ROOT, 'bench', 'queue', 'bullmq-worker.ts');
    const args = [worker, String(redis.port), name, String(options.concurrency)];
    for (let i = 0; i < options.processes; i++) workers.push(await startChild(args, 'ready'));
    const add = async (prefix: string, count: number) => {
      for (let i = 0; i < count; i += CHUNK) {
        const size = Math.min(CHUNK, count - i);
        await queue.addBulk(
          Array.from({ length: size }, (_, j) => ({
            name: 'noop',
            data: { i: `${prefix}${i + j}` },
          })),
        );
      }
    };
    const untilCompleted = async (count: number) => {
      for (let look = 0; look < MAX_LOOKS; look++) {
        if ((await queue.getCompletedCount()) >= count) return;
        await new Promise((done) => setTimeout(done, LOOK_MS));
      }
      throw new Error('the BullMQ bench jobs did not finish in 10 minutes');
    };
    await add('warm', WARMUP);
    await untilCompleted(WARMUP);
    const started = performance.now();
    await add('t', options.tasks);
    await untilCompleted(WARMUP + options.tasks);
    return options.tasks / ((performance.now() - started) / 1000);
  } finally {
    await Promise.all(workers.map((worker) => stopChild(worker)));
    await queue.obliterate({ force: true });
    await queue.close();
    await redis.stop();
  }
}
