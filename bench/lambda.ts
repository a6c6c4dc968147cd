/**
 * `npm run bench -- lambda`: node calls per second through worker Lambdas (the real
 * handler under the local Lambda twin, invoked by the lambda runner's dispatcher through
 * the real AWS SDK) against the queued runner drained by long-lived `noob worker`
 * processes, on the same sqld, the same tube and the same number of worker processes (2,
 * 8 calls at once each). What differs is only how work reaches the workers: async
 * invokes that claim by lease, or workers that are always there.
 *
 * The Lambda path's tasks carry a tag only the invoked workers offer, so the `noob worker`
 * processes (which stay up) never take them; the queued runner's tasks have none, and
 * no worker Lambda is invoked meanwhile.
 *
 * Also measured: a 100-item no-op map from submission to done (a job on the queue, run by
 * a coordinator in this process with either runner; AWS Step Functions' Distributed Map
 * takes about 7 s for that, goal < 0.2 s), the worker function's cold start in parts
 * (bench/lambda/cold-start.ts: the runtime alone, the worker from its sources, its bundle
 * as deployed), this process's CPU per call (for lambda it includes the twin's own
 * Invoke and Runtime API servers, which run here), and the remote queue's row
 * (bench/lambda/remote-queue.ts: 4 `noob worker` processes on sqld against the same on an
 * embedded file and against BullMQ on Redis with `appendfsync always`).
 *
 * Runners are measured in turns and the fastest run of each is kept. Bounded: a few
 * hundred calls per run. Prints a table, then the JSON line; `value` is calls/s through
 * worker Lambdas.
 */
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { LambdaRunner } from '../core/runners/lambda/runner.ts';
import { QueuedRunner } from '../core/runners/queued/runner.ts';
import { loadTube } from '../core/tube/load.ts';
import { startBenchStack } from './lambda/bench-stack.ts';
import { coldStarts } from './lambda/cold-start.ts';
import { mapBothWays, mapLine, roundedMap } from './lambda/map-latency.ts';
import { remoteQueueLines, remoteQueueRow } from './lambda/remote-queue.ts';
import { printResult } from './report.ts';
import { compareInTurns } from './runners/turns.ts';

const EPOCHS = 30;
const WARMUP_EPOCHS = 2;
const REPEATS = 3;
/** Stateless calls per epoch of the tube (the source stays with the runner). */
const CALLS_PER_EPOCH = 16;
const WORKERS = 2;
const PER_WORKER = 8;
/** The tag of the Lambda path's tasks: the `noob worker` processes do not offer it. */
const LAMBDA_TAGS = ['lambda'];
const MAP_ITEMS = 100;
/** The remote queue's row: tasks per store, worker processes, calls at once in each. */
const REMOTE_ROW = { tasks: 5_000, processes: 4, concurrency: 16 };

/** The machine's load when the run started (others' work shares its cores): said with the figures. */
const loadAtStart = loadavg()[0]!;
const tube = await loadTube(join(import.meta.dirname, 'tubes', 'noop-wide.yaml'));
const { stack, stop } = await startBenchStack(WORKERS, PER_WORKER);
try {
  const timed = await compareInTurns(
    () => new QueuedRunner(tube, { queue: stack.queue }),
    () =>
      new LambdaRunner(tube, {
        queue: stack.queue,
        tags: LAMBDA_TAGS,
        lambda: {
          client: stack.client,
          functionName: 'worker',
          concurrency: WORKERS,
          perInvocation: PER_WORKER,
          tags: LAMBDA_TAGS,
        },
      }),
    { epochs: EPOCHS, warmup: WARMUP_EPOCHS, repeats: REPEATS },
  );
  const calls = EPOCHS * CALLS_PER_EPOCH;
  const queuedRate = calls / timed.baseline.seconds;
  const lambdaRate = calls / timed.candidate.seconds;
  const { queued: mapQueued, lambda: mapLambda } = await mapBothWays(stack, {
    workers: WORKERS,
    perWorker: PER_WORKER,
    tags: LAMBDA_TAGS,
  });
  const cold = await coldStarts(stack);

  process.stdout.write(
    [
      `runner                                   calls/s (${CALLS_PER_EPOCH} no-op calls per epoch, ${EPOCHS} epochs)`,
      `queued, ${WORKERS} noob worker processes        ${queuedRate.toFixed(0)}`,
      `lambda, ${WORKERS} worker Lambdas (twin)        ${lambdaRate.toFixed(0)}   (${(lambdaRate / queuedRate).toFixed(2)}x)`,
      `this process's CPU per call: queued ${(timed.baseline.cpuMicros / calls).toFixed(0)} µs, lambda ${(timed.candidate.cpuMicros / calls).toFixed(0)} µs (with the twin's servers)`,
      `${MAP_ITEMS}-item no-op map, submission to done (Step Functions Distributed Map: about 7 s; goal < 200 ms):`,
      `  queued ${mapLine(mapQueued)}`,
      `  lambda ${mapLine(mapLambda)}`,
      ...coldStartLines(cold),
      '',
    ].join('\n'),
  );
  // Last: its own sqld, file and Redis, with the Lambda path's processes idle.
  const remote = await remoteQueueRow(REMOTE_ROW);
  process.stdout.write(
    [
      ...remoteQueueLines(remote, REMOTE_ROW),
      `load average (1 min): ${loadAtStart.toFixed(1)} at the start, ${loadavg()[0]!.toFixed(1)} at the end, on ${availableParallelism()} cores`,
      '',
    ].join('\n'),
  );
  printResult({
    bench: 'lambda',
    metric: `node calls/s, noop-wide tube (${CALLS_PER_EPOCH} no-op calls per epoch), ${WORKERS} worker Lambdas on the local twin`,
    value: Number(lambdaRate.toFixed(1)),
    baseline: Number(queuedRate.toFixed(1)),
    baselineName: `QueuedRunner with ${WORKERS} noob worker processes (same sqld, same tube, same run)`,
    ratio: Number((lambdaRate / queuedRate).toFixed(3)),
    details: {
      epochs: EPOCHS,
      warmupEpochs: WARMUP_EPOCHS,
      repeats: REPEATS,
      timing: 'fastest of the repeats, runners measured in turns',
      callsPerWorkerAtOnce: PER_WORKER,
      cpuPerCallMicroseconds: {
        queued: Math.round(timed.baseline.cpuMicros / calls),
        lambdaWithTwinServers: Math.round(timed.candidate.cpuMicros / calls),
      },
      map100SubmissionToDoneMs: { queued: roundedMap(mapQueued), lambda: roundedMap(mapLambda) },
      coldStart: cold,
      remoteQueueTasksPerSecond: {
        ...REMOTE_ROW,
        sqld: Math.round(remote.sqld),
        sqldCheckpointEverySecond: Math.round(remote.sqldEverySecond),
        bullmqAppendfsyncEverysec: Math.round(remote.bullmqEverySecond),
        embedded: Math.round(remote.embedded),
        bullmqAppendfsyncAlways: Math.round(remote.bullmqFsync),
        sqldVsBullmq: Number((remote.sqld / remote.bullmqFsync).toFixed(3)),
        sqldEverySecondVsBullmqEverysec: Number(
          (remote.sqldEverySecond / remote.bullmqEverySecond).toFixed(3),
        ),
      },
      invokes: stack.twin.invocations('worker').length,
      cores: availableParallelism(),
      loadAverage: { start: Number(loadAtStart.toFixed(1)), end: Number(loadavg()[0]!.toFixed(1)) },
      queue: 'sqld (remote libSQL) on 127.0.0.1',
    },
  });
} finally {
  await stop();
}

/** The cold start's lines of the table. */
function coldStartLines(cold: Awaited<ReturnType<typeof coldStarts>>): string[] {
  const parts = (figure: (typeof cold)['sources']) =>
    figure.parts
      ? ` = modules ${figure.parts.modulesMs.toFixed(0)} (since the process started), addon ${figure.parts.addonMs.toFixed(0)}, connection ${figure.parts.connectionMs.toFixed(0)}, registration ${figure.parts.registerMs.toFixed(0)}, then the claim`
      : '';
  const row = (label: string, figure: (typeof cold)['sources']) =>
    `  ${label} ${figure.firstMs.toFixed(0)} ms, CPU ${figure.cpuMs.toFixed(0)} ms (warm ${figure.warmMs.toFixed(0)})${parts(figure)}`;
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;
  return [
    'worker cold start, first invoke on a fresh function (goal < 200 ms):',
    row('runtime alone (empty handler)   ', cold.runtimeOnly),
    row('worker, TypeScript sources      ', cold.sources),
    row(`worker bundle, not minified (${kb(cold.bundle.bytes)})`, cold.bundle),
    row(`worker bundle, minified as deployed (${kb(cold.minified.bytes)})`, cold.minified),
  ];
}
