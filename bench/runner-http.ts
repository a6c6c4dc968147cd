/**
 * `npm run bench -- runner-http`: the distributed runner on 2 local `noob worker --http`
 * processes against the synchronous runner, in the same run, on the CPU-bound tube of
 * the `runner-parallel` benchmark (12 independent arithmetic nodes per epoch). Also
 * measures the per-call overhead of going over HTTP, on the 3-node `basic` tube where
 * nodes do almost nothing and each call waits for the one before (no batching helps).
 *
 * Runners are measured in turns (sync, http by requests, http by call streams, sync, …)
 * and the fastest run of each is kept, so a burst of other work on the machine hits all
 * alike. Goal: ≥ 1.6× sync, with call streams (the default transport); the runner sending
 * a `POST /v1/batch` per batch is shown beside it, measured the same way.
 * Prints a table, then the JSON line; `value` is epochs/s on 2 HTTP workers.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { BatchTransport } from '../core/runners/http/batch-channel.ts';
import { HttpRunner } from '../core/runners/http/runner.ts';
import { SyncRunner } from '../core/runners/sync.ts';
import { loadTube } from '../core/tube/load.ts';
import { startWorkerProcess, WORKER_TOKEN } from '../test/conformance/workers.ts';
import { printResult } from './report.ts';
import { compareInTurns, processCpuMicros, type Timed, timeInTurns } from './runners/turns.ts';

const here = import.meta.dirname;
const REPEATS = 3;
const CPU_EPOCHS = 30;
const OVERHEAD_EPOCHS = 300;
/** Untimed epochs first: the workers import the node module and JIT-compile it. */
const WARMUP_EPOCHS = 5;

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
  const http = (transport: BatchTransport) => () => {
    lastHttp = new HttpRunner(cpuTube, {
      workers: urls,
      token: WORKER_TOKEN,
      strategy: 'least-loaded',
      transport,
    });
    return lastHttp;
  };
  // The stream last in each turn, so the pool statistics below are its own.
  // The workers' CPU time too (Linux; NaN without /proc): what each call costs them beyond
  // the node's own work.
  const workersCpu = () =>
    workers.reduce((sum, w) => sum + (processCpuMicros(w.child.pid!) ?? Number.NaN), 0);
  const [sync, requests, stream] = await timeInTurns(
    [() => new SyncRunner(cpuTube), http('requests'), http('stream')],
    { epochs: CPU_EPOCHS, warmup: WARMUP_EPOCHS, repeats: REPEATS, otherCpu: workersCpu },
  );
  const sent = lastHttp!.pool.stats();
  const callsPerRequest =
    sent.reduce((sum, w) => sum + w.calls, 0) /
    Math.max(
      1,
      sent.reduce((sum, w) => sum + w.requests, 0),
    );
  // The runner's own cost per remote call, batched: its CPU time in the fastest http run
  // over the calls it sent (13 per epoch: the source and 12 crunches); the workers' node
  // work is not in it.
  const runnerCpuPerCall = stream.cpuMicros / (CPU_EPOCHS * 13);
  const requestsCpuPerCall = requests.cpuMicros / (CPU_EPOCHS * 13);
  // The workers' CPU beyond what sync spent on the same epochs (nodes and engine), per
  // remote call: their cost of receiving, running and answering a call.
  const workerExtraPerCall = (timed: Timed) =>
    ((timed.otherCpuMicros ?? Number.NaN) - sync.cpuMicros) / (CPU_EPOCHS * 13);
  const streamWorkerExtra = workerExtraPerCall(stream);
  const requestsWorkerExtra = workerExtraPerCall(requests);
  // basic: 2 remote calls per epoch (source, multiply), each waiting for the one before;
  // the return node stays local.
  const basic = await compareInTurns(
    () => new SyncRunner(basicTube),
    () => new HttpRunner(basicTube, { workers: urls, token: WORKER_TOKEN }),
    { epochs: OVERHEAD_EPOCHS, warmup: WARMUP_EPOCHS, repeats: REPEATS },
  );
  const overheadUs =
    ((basic.candidate.seconds - basic.baseline.seconds) / (OVERHEAD_EPOCHS * 2)) * 1e6;

  const syncRate = CPU_EPOCHS / sync.seconds;
  const httpRate = CPU_EPOCHS / stream.seconds;
  const requestsRate = CPU_EPOCHS / requests.seconds;
  process.stdout.write(
    [
      'runner                               epochs/s (cpu-wide, 12 CPU nodes/epoch)',
      `sync                                 ${syncRate.toFixed(2)}`,
      `http, 2 workers, a request per batch ${requestsRate.toFixed(2)}   (${(requestsRate / syncRate).toFixed(2)}x)`,
      `http, 2 workers, call streams        ${httpRate.toFixed(2)}   (${(httpRate / syncRate).toFixed(2)}x; goal 1.6x)`,
      `calls per batch (cpu-wide, last run): ${callsPerRequest.toFixed(1)}`,
      `runner CPU per remote call on cpu-wide (batched): ${runnerCpuPerCall.toFixed(0)} µs streamed, ${requestsCpuPerCall.toFixed(0)} µs by requests`,
      `workers' CPU beyond sync's, per remote call: ${streamWorkerExtra.toFixed(0)} µs streamed, ${requestsWorkerExtra.toFixed(0)} µs by requests`,
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
      transport:
        'call streams (one connection per worker); baseline also beside it: a request per batch',
      requestsRatio: Number((requestsRate / syncRate).toFixed(3)),
      streamsVsRequests: Number((httpRate / requestsRate).toFixed(3)),
      callsPerRequest: Number(callsPerRequest.toFixed(2)),
      perCallOverheadMicroseconds: Math.round(overheadUs),
      runnerCpuPerRemoteCallMicroseconds: Math.round(runnerCpuPerCall),
      runnerCpuPerRemoteCallByRequestsMicroseconds: Math.round(requestsCpuPerCall),
      workersCpuBeyondSyncPerCallMicroseconds: Math.round(streamWorkerExtra),
      workersCpuBeyondSyncPerCallByRequestsMicroseconds: Math.round(requestsWorkerExtra),
      workersCpuMethod:
        "(workers' CPU in the fastest http run − sync's CPU in its fastest run) / (epochs × 13 remote calls), from /proc",
      overheadMethod: `(http − sync seconds on basic) / (${OVERHEAD_EPOCHS} epochs × 2 remote calls)`,
      cores: availableParallelism(),
      workers: 'noob worker --http processes, each in a session of its own (setsid)',
    },
  });
} finally {
  await Promise.all(workers.map((w) => w.stop()));
}
