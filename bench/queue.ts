/**
 * `npm run bench -- queue [--rounds N] [--tasks N] [--samples N]`: noob's durable queue
 * against BullMQ on Redis, measured in the same run.
 *
 * - Throughput: no-op tasks per second end to end (submitted in jobs of 1000 while one
 *   worker runs them, until the last result is recorded) at concurrency 1 and 16, and
 *   processing alone (the queue filled first) at concurrency 1 and 16. noob:
 *   the embedded driver, every submission and completion flushed to disk (fdatasync)
 *   before it is acknowledged; the worker in this process, and also as a `noob worker` process.
 *   BullMQ: Redis with `appendfsync always` (the same guarantee) and with no persistence
 *   (its fastest setting).
 * - Latency: submit-to-start of single tasks, p50/p99, with the worker in the same process
 *   and in another one, timed from just before the submission and from its
 *   acknowledgement (negative when the task started before its submission's flush
 *   ended, which noob allows: see bench/queue/noob.ts).
 *
 * Redis comes from Debian's packages, unpacked into bench/.cache by the benchmark itself.
 * Each figure is the best of `--rounds` rounds (default 2), taken in turns. Prints a
 * table, then the JSON line: noob's concurrency-16 throughput against durable BullMQ's.
 */
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { bullmqLatency, bullmqThroughput } from './queue/bullmq.ts';
import { noobLatency, noobThroughput } from './queue/noob.ts';
import { startRedis } from './queue/redis.ts';
import { latencySummary } from './queue/stats.ts';
import { printResult } from './report.ts';

const { values } = parseArgs({
  // `npm run bench -- queue -- --rounds 1` passes the second `--` through.
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    rounds: { type: 'string', default: '2' },
    tasks: { type: 'string', default: '100000' },
    samples: { type: 'string', default: '300' },
  },
});
const rounds = positive('rounds', values.rounds);
const tasks = positive('tasks', values.tasks);
const samples = positive('samples', values.samples);
// BullMQ is slower: fewer tasks keep its rounds about as long as noob's.
const bullmqTasks = Math.max(1_000, Math.round(tasks / 3));
const CHUNK = 1_000;

function positive(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    process.stderr.write(`--${name} takes a whole number ≥ 1, got "${text}"\n`);
    process.exit(2);
  }
  return value;
}

/** The best (highest) of several rounds of a rate. */
async function best(measure: () => Promise<number>): Promise<number> {
  let top = 0;
  for (let round = 0; round < rounds; round++) top = Math.max(top, await measure());
  return Math.round(top);
}

type Latency = { submitted: number[]; acknowledged: number[] };
/** Latency samples of the round with the lowest p50 from submission. */
async function bestLatency(measure: () => Promise<Latency>) {
  let chosen: Latency | undefined;
  for (let round = 0; round < rounds; round++) {
    const run = await measure();
    if (!chosen || latencySummary(run.submitted).p50 < latencySummary(chosen.submitted).p50)
      chosen = run;
  }
  return {
    fromSubmit: latencySummary(chosen!.submitted),
    fromAck: latencySummary(chosen!.acknowledged),
  };
}

const noob = {
  c1: await best(() => noobThroughput({ count: tasks, chunk: CHUNK, concurrency: 1 })),
  c16: await best(() => noobThroughput({ count: tasks, chunk: CHUNK, concurrency: 16 })),
  c1Drain: await best(() =>
    noobThroughput({ count: tasks, chunk: CHUNK, concurrency: 1, drain: true }),
  ),
  c16Drain: await best(() =>
    noobThroughput({ count: tasks, chunk: CHUNK, concurrency: 16, drain: true }),
  ),
  c16Process: await best(() =>
    noobThroughput({ count: tasks, chunk: CHUNK, concurrency: 16, separate: true }),
  ),
  sameProcess: await bestLatency(() => noobLatency({ samples })),
  crossProcess: await bestLatency(() => noobLatency({ samples, separate: true })),
};

async function bullmq(durable: boolean) {
  const redis = await startRedis(durable);
  try {
    const port = redis.port;
    return {
      c1: await best(() =>
        bullmqThroughput({ port, count: bullmqTasks, chunk: CHUNK, concurrency: 1 }),
      ),
      c16: await best(() =>
        bullmqThroughput({ port, count: bullmqTasks, chunk: CHUNK, concurrency: 16 }),
      ),
      c1Drain: await best(() =>
        bullmqThroughput({ port, count: bullmqTasks, chunk: CHUNK, concurrency: 1, drain: true }),
      ),
      c16Drain: await best(() =>
        bullmqThroughput({ port, count: bullmqTasks, chunk: CHUNK, concurrency: 16, drain: true }),
      ),
      sameProcess: await bestLatency(() => bullmqLatency({ port, samples })),
      crossProcess: await bestLatency(() => bullmqLatency({ port, samples, separate: true })),
    };
  } finally {
    await redis.stop();
  }
}
const durableBullmq = await bullmq(true);
const memoryBullmq = await bullmq(false);

const ms = (l: { p50: number; p99: number }) => `${l.p50.toFixed(3)} / ${l.p99.toFixed(3)}`;
const systems = [noob, durableBullmq, memoryBullmq];
const latencyRow = (
  label: string,
  pick: (s: (typeof systems)[number]) => { p50: number; p99: number },
) => [label, ...systems.map((s) => ms(pick(s)))];
const rows = [
  ['', 'noob (libSQL, fsync)', 'BullMQ (Redis, fsync)', 'BullMQ (Redis, memory)'],
  ['tasks/s, concurrency 1', ...systems.map((s) => s.c1)],
  ['tasks/s, concurrency 16', ...systems.map((s) => s.c16)],
  ['tasks/s, c1, queue filled first', ...systems.map((s) => s.c1Drain)],
  ['tasks/s, c16, queue filled first', ...systems.map((s) => s.c16Drain)],
  ['tasks/s, c16, worker process', noob.c16Process, '', ''],
  latencyRow('submit→start ms p50/p99, same process', (s) => s.sameProcess.fromSubmit),
  latencyRow('  from acknowledgement', (s) => s.sameProcess.fromAck),
  latencyRow('submit→start ms p50/p99, across processes', (s) => s.crossProcess.fromSubmit),
  latencyRow('  from acknowledgement', (s) => s.crossProcess.fromAck),
];
const widths = rows[0]!.map((_, col) => Math.max(...rows.map((row) => String(row[col]).length)));
process.stdout.write(
  `${rows.map((row) => row.map((cell, col) => String(cell).padEnd(widths[col]!)).join('  ')).join('\n')}\n`,
);

printResult({
  bench: 'queue',
  metric:
    'no-op tasks/s end to end, one worker at concurrency 16, durable (flushed before acknowledged)',
  value: noob.c16,
  baseline: durableBullmq.c16,
  baselineName: 'BullMQ on Redis with appendfsync always (same run)',
  ratio: Number((noob.c16 / durableBullmq.c16).toFixed(3)),
  details: {
    noob,
    bullmqDurable: durableBullmq,
    bullmqMemory: memoryBullmq,
    ratioVsBullmqMemory: Number((noob.c16 / memoryBullmq.c16).toFixed(3)),
    tasks: { noob: tasks, bullmq: bullmqTasks, perSubmission: CHUNK },
    latencySamples: samples,
    rounds,
    latencyUnit: 'ms',
    cores: availableParallelism(),
  },
});
