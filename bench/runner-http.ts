/**
 * `npm run bench -- runner-http`: the distributed runner on 2 local `noob worker --http`
 * processes against the synchronous runner, in the same run, on the CPU-bound tube of
 * the `runner-parallel` benchmark (12 independent arithmetic nodes per epoch). Also
 * measures the per-call overhead of going over HTTP, on the 3-node `basic` tube where
 * nodes do almost nothing.
 * Prints a table, then the JSON line; `value` is epochs/s on 2 HTTP workers.
 */
import { join } from 'node:path';
import { HttpRunner } from '../core/runners/http/runner.ts';
import type { Runner } from '../core/runners/runner.ts';
import { SyncRunner } from '../core/runners/sync.ts';
import { loadTube } from '../core/tube/load.ts';
import { startWorkerProcess } from '../test/conformance/workers.ts';
import { printResult } from './report.ts';

const here = import.meta.dirname;
const REPEATS = 3;
const CPU_EPOCHS = 30;
const OVERHEAD_EPOCHS = 300;

/** Median seconds of `repeats` timed runs of `epochs` epochs on fresh runners (warm-up untimed). */
async function measure(make: () => Runner, epochs: number): Promise<number> {
  const times: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    const runner = make();
    await runner.run(3);
    const started = performance.now();
    const results = await runner.run(epochs);
    times.push((performance.now() - started) / 1000);
    await runner.deinit();
    if (results.length !== epochs)
      throw new Error(`expected ${epochs} results, got ${results.length}`);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
}

const cpuTube = await loadTube(join(here, 'tubes', 'cpu-wide.yaml'));
const basicTube = await loadTube(join(here, 'tubes', 'basic.yaml'));
const workers = await Promise.all([startWorkerProcess(), startWorkerProcess()]);
try {
  const urls = workers.map((w) => w.url);
  const syncSeconds = await measure(() => new SyncRunner(cpuTube), CPU_EPOCHS);
  const httpSeconds = await measure(
    () => new HttpRunner(cpuTube, { workers: urls, strategy: 'least-loaded' }),
    CPU_EPOCHS,
  );
  // basic: 2 remote calls per epoch (source, multiply); the return node stays local.
  const syncBasic = await measure(() => new SyncRunner(basicTube), OVERHEAD_EPOCHS);
  const httpBasic = await measure(
    () => new HttpRunner(basicTube, { workers: urls }),
    OVERHEAD_EPOCHS,
  );
  const overheadUs = ((httpBasic - syncBasic) / (OVERHEAD_EPOCHS * 2)) * 1e6;

  const syncRate = CPU_EPOCHS / syncSeconds;
  const httpRate = CPU_EPOCHS / httpSeconds;
  process.stdout.write(
    [
      'runner            epochs/s (cpu-wide, 12 CPU nodes/epoch)',
      `sync              ${syncRate.toFixed(2)}`,
      `http, 2 workers   ${httpRate.toFixed(2)}   (${(httpRate / syncRate).toFixed(2)}x)`,
      `HTTP per-call overhead on basic: ${overheadUs.toFixed(0)} µs`,
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
      epochs: CPU_EPOCHS,
      repeats: REPEATS,
      perCallOverheadMicroseconds: Math.round(overheadUs),
      overheadMethod: `(http − sync seconds on basic) / (${OVERHEAD_EPOCHS} epochs × 2 remote calls)`,
      cores: (await import('node:os')).availableParallelism(),
    },
  });
} finally {
  await Promise.all(workers.map((w) => w.stop()));
}
