/**
 * The 100-item no-op map of bench lambda, from submission to done, and where the time
 * goes: a job on the queue as the job API submits it, run by a coordinator in this
 * process with the given runner, done when the coordinator has recorded its outcome (told
 * by its `recordOutcome`, so no look at the queue competes with the run). The phases come
 * from the job's own events (each stamped by the process that wrote it, all on this
 * machine).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Queue } from '../../core/queue/queue.ts';
import { LambdaRunner } from '../../core/runners/lambda/runner.ts';
import { SharedDispatcher } from '../../core/runners/lambda/shared-dispatcher.ts';
import { registerWorkerFunction } from '../../core/runners/lambda/worker-function.ts';
import type { QueuedRunnerOptions } from '../../core/runners/queued/runner.ts';
import type { Runner } from '../../core/runners/runner.ts';
import type { Tube } from '../../core/tube/tube.ts';
import { Coordinator } from '../../functions/serve/coordinator.ts';
import type { LambdaStack } from '../../test/lambda/stack.ts';

const MAP_ITEMS = 100;
const MAP_TUBE = readFileSync(join(import.meta.dirname, '..', 'tubes', 'map-100.yaml'), 'utf8');
/** Timed runs, after one untimed. */
const RUNS = 3;

/** Where one map job's time went (ms). */
export interface MapPhases {
  /** Submission to `job.running`: the coordinator's wake-up (its poll on a server) and the run's start. */
  pickupMs: number;
  /** To the first claim: the tube loaded, the first tasks added, workers reached (invokes). */
  firstClaimMs: number;
  /** First claim to last completion: the calls, claims and reports, and the runner's adds in between. */
  workMs: number;
  /** Last completion to the outcome recorded: the runner seeing the outcomes, gather, the record. */
  finishMs: number;
}

/** The fastest run's time and its phases. */
export interface MapLatency {
  totalMs: number;
  phases: MapPhases;
}

/**
 * Run the map job {@link RUNS} + 1 times on `queue` with `runner` (default: the queued
 * runner), submitted through `submitter` (default `queue` itself: the coordinator's own
 * queue object is told of the submission at once; another connection, as the job API's
 * on AWS, is found by the coordinator's poll).
 */
export async function mapLatency(
  queue: Queue,
  runner?: (tube: Tube, options: QueuedRunnerOptions) => Runner,
  tags?: string[],
  submitter: Queue = queue,
): Promise<MapLatency> {
  const recorded = new Map<string, () => void>();
  const coordinator = new Coordinator({
    queue,
    recordOutcome: async (tenant, jobId, outcome) => {
      await queue.setJobOutcome(tenant, jobId, outcome);
      recorded.get(jobId)?.();
    },
    ...(runner ? { runner } : {}),
  });
  coordinator.start();
  try {
    let best: MapLatency | undefined;
    for (let i = 0; i <= RUNS; i++) {
      const run = await once(queue, submitter, recorded, `run-${i}`, tags);
      if (i > 0 && (!best || run.totalMs < best.totalMs)) best = run;
    }
    return best!;
  } finally {
    await coordinator.stop();
  }
}

/** The worker Lambdas of a map run through the lambda runner. */
export interface MapLambdas {
  /** Invocations at once (the function's concurrency), as `noob worker` processes for the queued runner. */
  workers: number;
  /** Calls at once in each, and tasks per claim. */
  perWorker: number;
  /** The tag only the invoked workers offer (so the `noob worker` processes leave the tasks alone). */
  tags: string[];
}

/**
 * The map through a coordinator with the queued runner (drained by the `noob worker`
 * processes the caller started on `stack`'s sqld), then with the lambda runner invoking
 * the stack's `worker` function, as a deployment's coordinator does (one dispatcher
 * shared by its runs, the function registered as a standing worker). Given `apart` (another
 * connection to the same queue), the lambda runner's map again, submitted through it.
 */
export async function mapBothWays(
  stack: Pick<LambdaStack, 'queue' | 'client'>,
  lambdas: MapLambdas,
  apart?: Queue,
): Promise<{ queued: MapLatency; lambda: MapLatency; lambdaApart?: MapLatency }> {
  const queued = await mapLatency(stack.queue);
  await registerWorkerFunction(stack.queue, 'worker', lambdas.tags);
  const shared = new SharedDispatcher({
    client: stack.client,
    functionName: 'worker',
    concurrency: lambdas.workers,
    perInvocation: lambdas.perWorker,
    tags: lambdas.tags,
  });
  const runner = (tube: Tube, options: QueuedRunnerOptions) =>
    new LambdaRunner(tube, { ...options, dispatch: shared.forRun() });
  try {
    const lambda = await mapLatency(stack.queue, runner, lambdas.tags);
    if (!apart) return { queued, lambda };
    const lambdaApart = await mapLatency(stack.queue, runner, lambdas.tags, apart);
    return { queued, lambda, lambdaApart };
  } finally {
    await shared.stop();
  }
}

/** Longest a map job may take (ms): every wait is bounded. */
const TIMEOUT_MS = 60_000;

async function once(
  queue: Queue,
  submitter: Queue,
  recorded: Map<string, () => void>,
  prefix: string,
  tags?: string[],
): Promise<MapLatency> {
  const items = Array.from({ length: MAP_ITEMS }, (_, item) => `${prefix}-${item}`);
  const submittedAt = Date.now();
  const started = performance.now();
  const { jobId } = await submitter.submitJob({
    tenant: 'bench',
    kind: 'tube',
    payload: { tube: MAP_TUBE, inputs: { items }, epochs: 1, ...(tags ? { tags } : {}) },
    open: true,
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const done = await Promise.race([
    new Promise<boolean>((resolve) => recorded.set(jobId, () => resolve(true))),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), TIMEOUT_MS);
    }),
  ]);
  const totalMs = performance.now() - started;
  clearTimeout(timer);
  recorded.delete(jobId);
  const { state } = await queue.getJob('bench', jobId, { taskResults: false });
  if (!done || state !== 'succeeded') throw new Error(`the map job ended ${state}`);
  const events = await queue.events('bench', jobId);
  const first = (type: string) => events.find((event) => event.type === type)?.at ?? Number.NaN;
  const last = (type: string) => events.findLast((event) => event.type === type)?.at ?? Number.NaN;
  const running = first('job.running');
  const claimed = first('tasks.leased');
  const completed = last('tasks.succeeded');
  return {
    totalMs,
    phases: {
      pickupMs: running - submittedAt,
      firstClaimMs: claimed - running,
      workMs: completed - claimed,
      finishMs: submittedAt + totalMs - completed,
    },
  };
}

/** A map figure's line: the total, then its phases. */
export function mapLine({ totalMs, phases }: MapLatency): string {
  const ms = (value: number) => value.toFixed(0);
  return `${ms(totalMs)} ms = pickup ${ms(phases.pickupMs)} + to first claim ${ms(phases.firstClaimMs)} + work ${ms(phases.workMs)} + finish ${ms(phases.finishMs)}`;
}

/** A map figure, its numbers rounded, for the JSON line. */
export function roundedMap({ totalMs, phases }: MapLatency) {
  const entries = Object.entries(phases).map(([key, value]) => [key, Math.round(value)]);
  return { totalMs: Math.round(totalMs), ...Object.fromEntries(entries) };
}
