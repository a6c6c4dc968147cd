/**
 * `npm run bench -- runner-http`: the distributed runner on 2 local `noob worker --http`
 * processes against the synchronous runner, in the same run, on the CPU-bound tube of
 * the `runner-parallel` benchmark (12 independent arithmetic nodes per epoch). Also
 * measures the per-call overhead of going over HTTP, on the 3-node `basic` tube where
 * nodes do almost nothing and each call waits for the one before (no batching helps).
 *
 * Runners are measured in turns (sync, http, sync, …) and the fastest run of each is
 * kept, so a burst of other work on the machine hits both alike. Goal: ≥ 1.6× sync.
 * Prints a table, then the JSON line; `value` is epochs/s on 2 HTTP workers.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { HttpRunner } from '../core/runners/http/runner.ts';
import type { Runner } from '../core/runners/runner.ts';
import { SyncRunner } from '../core/runners/sync.ts';
import { loadTube } from '../core/tube/load.ts';
import { startWorkerProcess, WORKER_TOKEN } from '../test/conformance/workers.ts';
import { printResult } from './report.ts';

const here = import.meta.dirname;
const REPEATS = 3;
const CPU_EPOCHS = 30;
const OVERHEAD_EPOCHS = 300;
/** Untimed epochs first: the workers import the node module and JIT-compile it. */
const WARMUP_EPOCHS = 5;

/** This process's CPU time (µs) in the timed runs of the last http runner measured. */
let runnerCpuMicros = 0;

/** Seconds of one timed run of `epochs` epochs on a fresh runner (warm-up untimed). */
async function timeOnce(make: () => Runner, epochs: number): Promise<number> {
  const runner = make();
  try {
    await runner.run(WARMUP_EPOCHS);
    const cpu = process.cpuUsage();
    const started = performance.now();
    const results = await runner.run(epochs);
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    if (runner instanceof HttpRunner) runnerCpuMicros = used.user + used.system;
    if (results.length !== epochs)
      throw new Error(`expected ${epochs} results, got ${results.length}`);
    return seconds;
  } finally {
    await runner.deinit();
  }
}

/** The fastest of `REPEATS` runs of each runner, taken in turns. */
async function compare(
  makeBaseline: () => Runner,
  makeCandidate: () => Runner,
  epochs: number,
): Promise<[baseline: number, candidate: number]> {
  let baseline = Number.POSITIVE_INFINITY;
  let candidate = Number.POSITIVE_INFINITY;
  for (let r = 0; r < REPEATS; r++) {
    baseline = Math.min(baseline, await timeOnce(makeBaseline, epochs));
    candidate = Math.min(candidate, await timeOnce(makeCandidate, epochs));
  }
  return [baseline, candidate];
}

const cpuTube = await loadTube(join(here, 'tubes', 'cpu-wide.yaml'));
const basicTube = await loadTube(join(here, 'tubes', 'basic.yaml'));
// Each worker in a session of its own, as workers started by hand or by a service are:
// where Linux shares CPU time between sessions (autogroups, on by default), workers in
// this program's session would split its one share with it and sync, and on a machine
// busy with other sessions no number of workers could then beat sync.
const workers = await Promise.all([
  startWorkerProcess([], { ownSession: true }),
  startWorkerProcess([], { ownSession: true }),
]);
try {
  const urls = workers.map((w) => w.url);
  let lastHttp: HttpRunner | undefined;
  const [syncSeconds, httpSeconds] = await compare(
    () => new SyncRunner(cpuTube),
    () => {
      lastHttp = new HttpRunner(cpuTube, {
        workers: urls,
        token: WORKER_TOKEN,
        strategy: 'least-loaded',
      });
      return lastHttp;
    },
    CPU_EPOCHS,
  );
  const sent = lastHttp!.pool.stats();
  // The runner's own cost per remote call, batched (its CPU time over the calls it sent in
  // the last timed run; the workers' node work is not in it).
  const timedCalls = CPU_EPOCHS * 13;
  const runnerCpuPerCall = runnerCpuMicros / timedCalls;
  const callsPerRequest =
    sent.reduce((sum, w) => sum + w.calls, 0) /
    Math.max(
      1,
      sent.reduce((sum, w) => sum + w.requests, 0),
    );
  // basic: 2 remote calls per epoch (source, multiply), each waiting for the one before;
  // the return node stays local.
  const [syncBasic, httpBasic] = await compare(
    () => new SyncRunner(basicTube),
    () => new HttpRunner(basicTube, { workers: urls, token: WORKER_TOKEN }),
    OVERHEAD_EPOCHS,
  );
  const overheadUs = ((httpBasic - syncBasic) / (OVERHEAD_EPOCHS * 2)) * 1e6;

  const syncRate = CPU_EPOCHS / syncSeconds;
  const httpRate = CPU_EPOCHS / httpSeconds;
  process.stdout.write(
    [
      'runner            epochs/s (cpu-wide, 12 CPU nodes/epoch)',
      `sync              ${syncRate.toFixed(2)}`,
      `http, 2 workers   ${httpRate.toFixed(2)}   (${(httpRate / syncRate).toFixed(2)}x; goal 1.6x)`,
      `calls per request (cpu-wide, last run): ${callsPerRequest.toFixed(1)}`,
      `runner CPU per remote call on cpu-wide (batched): ${runnerCpuPerCall.toFixed(0)} µs`,
      `HTTP per-call overhead on basic (one call at a time, a round trip each): ${overheadUs.toFixed(0)} µs`,
      '',
    ].join('\n'),
  );
  printResult({
    bench: 'runner-http',
    metric: 'epochs/s, cpu-wide tube (12 CPU-bound nodes per epoch), 2 local HTTP workers',
    value: Number(httpRate.toFixed(3)),
    baseline: Number(syncRate.toFixed(3)),
    baselineName: 'SyncRunner (same tube, same run)',
    ratio: Number((httpRate / syncRate).toFixed(3)),
    details: {
      goal: 'ratio >= 1.6',
      epochs: CPU_EPOCHS,
      warmupEpochs: WARMUP_EPOCHS,
      repeats: REPEATS,
      timing: 'fastest of the repeats, runners measured in turns',
      callsPerRequest: Number(callsPerRequest.toFixed(2)),
      perCallOverheadMicroseconds: Math.round(overheadUs),
      runnerCpuPerRemoteCallMicroseconds: Math.round(runnerCpuPerCall),
      overheadMethod: `(http − sync seconds on basic) / (${OVERHEAD_EPOCHS} epochs × 2 remote calls)`,
      cores: availableParallelism(),
      workers: 'noob worker --http processes, each in a session of its own (setsid)',
    },
  });
} finally {
  await Promise.all(workers.map((w) => w.stop()));
}
