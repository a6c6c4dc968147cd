/**
 * `npm run bench -- lambda-map`: the 100-item no-op map of `npm run bench -- lambda` alone
 * (about 20 s instead of 2 minutes), for working on its latency: a map job submitted to
 * the queue, run by a coordinator in this process with the lambda runner (2 worker
 * Lambdas on the local twin, 8 calls at once each) against the same with the queued
 * runner (2 `noob worker` processes), on one sqld; fastest of 3 runs each, in phases read
 * from the job's own events (bench/lambda/map-latency.ts). AWS Step Functions'
 * Distributed Map takes about 7 s for the same; the goal is under 200 ms.
 *
 * Then the lambda runner's map again, submitted through a connection of its own, as the
 * job API submits on AWS: the coordinator finds it by its poll.
 *
 * The JSON line's `value` is the lambda runner's time, its baseline the queued runner's
 * (ratio above 1: Lambda is faster).
 */
import { availableParallelism, loadavg } from 'node:os';
import { openQueue } from '../core/queue/open.ts';
import { startBenchStack } from './lambda/bench-stack.ts';
import { mapBothWays, mapLine, roundedMap } from './lambda/map-latency.ts';
import { printResult } from './report.ts';

const WORKERS = 2;
const PER_WORKER = 8;

const loadAtStart = loadavg()[0]!;
const { stack, stop } = await startBenchStack(WORKERS, PER_WORKER);
try {
  // As on AWS, where the job API (another process) submits: the coordinator polls for it.
  const apart = await openQueue(stack.sqld.url);
  const map = await mapBothWays(
    stack,
    { workers: WORKERS, perWorker: PER_WORKER, tags: ['lambda'] },
    apart,
  ).finally(() => apart.close());
  const lambdaApart = map.lambdaApart!;
  process.stdout.write(
    [
      '100-item no-op map, submission to done (Step Functions Distributed Map: about 7 s; goal < 200 ms):',
      `  queued ${mapLine(map.queued)}`,
      `  lambda ${mapLine(map.lambda)}`,
      `  lambda, submitted through another connection (as the job API on AWS; the coordinator polls every 50 ms): ${mapLine(lambdaApart)}`,
      `load average (1 min): ${loadAtStart.toFixed(1)} at the start, ${loadavg()[0]!.toFixed(1)} at the end, on ${availableParallelism()} cores`,
      '',
    ].join('\n'),
  );
  printResult({
    bench: 'lambda-map',
    metric: `ms from submission to done, a 100-item no-op map, ${WORKERS} worker Lambdas on the local twin`,
    value: Math.round(map.lambda.totalMs),
    baseline: Math.round(map.queued.totalMs),
    baselineName: `the same map with the queued runner and ${WORKERS} noob worker processes (same sqld, same run)`,
    ratio: Number((map.queued.totalMs / map.lambda.totalMs).toFixed(3)),
    details: {
      queued: roundedMap(map.queued),
      lambda: roundedMap(map.lambda),
      lambdaSubmittedApart: roundedMap(lambdaApart),
      stepFunctionsDistributedMapMs: 7_000,
      cores: availableParallelism(),
      loadAverage: { start: Number(loadAtStart.toFixed(1)), end: Number(loadavg()[0]!.toFixed(1)) },
    },
  });
} finally {
  await stop();
}
