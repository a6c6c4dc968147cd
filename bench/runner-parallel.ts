/**
 * `npm run bench -- runner-parallel`: the parallel runner on 2 worker threads against the
 * synchronous runner, in the same run, on a CPU-bound tube (12 independent nodes of ~2.5
 * ms of JavaScript arithmetic per epoch, `bench/tubes/cpu-wide.yaml`). Also measures the
 * per-call dispatch overhead of going through a thread, on the 3-node `basic` tube where
 * nodes do almost nothing.
 * Prints a table, then the JSON line; `value` is epochs/s on 2 threads.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { ParallelRunner } from '../core/runners/parallel/runner.ts';
import type { Runner } from '../core/runners/runner.ts';
import { SyncRunner } from '../core/runners/sync.ts';
import { loadTube } from '../core/tube/load.ts';
import { printResult } from './report.ts';
import { compareInTurns } from './runners/turns.ts';

const here = import.meta.dirname;
const REPEATS = 3;
const CPU_EPOCHS = 40;
/** Untimed epochs first: fresh threads must load the tube and JIT-compile the node. */
const WARMUP_EPOCHS = 10;
const OVERHEAD_EPOCHS = 2000;
const THREADS = 2;

/** The fastest of `REPEATS` runs of each runner, taken in turns (see runners/turns.ts). */
async function compare(
  makeBaseline: () => Runner,
  makeCandidate: () => Runner,
  epochs: number,
): Promise<[baseline: number, candidate: number]> {
  const { baseline, candidate } = await compareInTurns(makeBaseline, makeCandidate, {
    epochs,
    warmup: WARMUP_EPOCHS,
    repeats: REPEATS,
  });
  return [baseline.seconds, candidate.seconds];
}

const cpuTube = await loadTube(join(here, 'tubes', 'cpu-wide.yaml'));
const basicTube = await loadTube(join(here, 'tubes', 'basic.yaml'));

const [syncSeconds, parallelSeconds] = await compare(
  () => new SyncRunner(cpuTube),
  () => new ParallelRunner(cpuTube, { workers: THREADS }),
  CPU_EPOCHS,
);
// basic: 2 calls per epoch go to a thread (source, multiply); the return node stays here.
// The two depend on each other, so each is a full round trip.
const [syncBasic, parallelBasic] = await compare(
  () => new SyncRunner(basicTube),
  () => new ParallelRunner(basicTube, { workers: THREADS }),
  OVERHEAD_EPOCHS,
);
const overheadUs = ((parallelBasic - syncBasic) / (OVERHEAD_EPOCHS * 2)) * 1e6;

const syncRate = CPU_EPOCHS / syncSeconds;
const parallelRate = CPU_EPOCHS / parallelSeconds;
const calls = 12;
process.stdout.write(
  [
    `runner               epochs/s (cpu-wide, ${calls} CPU nodes/epoch)   node calls/s`,
    `sync                 ${syncRate.toFixed(2).padEnd(36)}${(syncRate * calls).toFixed(0)}`,
    `parallel, ${THREADS} threads   ${`${parallelRate.toFixed(2)} (${(parallelRate / syncRate).toFixed(2)}x)`.padEnd(36)}${(parallelRate * calls).toFixed(0)}`,
    `per-call dispatch overhead on basic (thread round trip): ${overheadUs.toFixed(1)} µs`,
    '',
  ].join('\n'),
);
printResult({
  bench: 'runner-parallel',
  metric: `epochs/s, ${calls} CPU-bound nodes per epoch, ${THREADS} worker threads`,
  value: Number(parallelRate.toFixed(3)),
  baseline: Number(syncRate.toFixed(3)),
  baselineName: 'SyncRunner (same tube, same run)',
  ratio: Number((parallelRate / syncRate).toFixed(3)),
  details: {
    epochs: CPU_EPOCHS,
    warmupEpochs: WARMUP_EPOCHS,
    repeats: REPEATS,
    timing: 'fastest of the repeats, runners measured in turns',
    perCallOverheadMicroseconds: Number(overheadUs.toFixed(1)),
    overheadMethod: `(parallel − sync seconds on basic) / (${OVERHEAD_EPOCHS} epochs × 2 calls sent to threads)`,
    cores: availableParallelism(),
  },
});
