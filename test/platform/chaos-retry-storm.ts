import { CHAOS_TUBE, type ChaosRow, checkInvariants } from './chaos.ts';
import { isFinal, queryQueue, submitJob, tenantKey, untilFinal } from './chaos-jobs.ts';
import { eventually, startServe, tempDb } from './serve-process.ts';

/**
 * The retry-storm scenario of the chaos matrix: many jobs at once whose node throws on
 * every attempt (each call retried with exponential backoff until its attempts are spent),
 * mixed with jobs that pass; meanwhile another tenant submits a job. That job must finish
 * while the storm is still going (no tenant's retries hold the workers), every job must end
 * as its attempts dictate (the failing ones failed, each call tried exactly `attempts`
 * times, the others succeeded with their results, none accepted twice), and a job
 * submitted afterwards still runs (no worker wedged).
 */

/** Each epoch's call throws (`noob.testing.error`): the job fails once its attempts are spent. */
export const FAILING_TUBE = `noob_id: chaos-failing
nodes:
  count:
    type: noob.testing.count_source
  fail:
    type: noob.testing.error
    depends:
      - value: count.index
  out:
    type: return
    depends: fail.value
`;

/** How a storm runs. */
export interface RetryStormOptions {
  /** Jobs whose calls always throw (default 8). */
  failing?: number;
  /** Jobs that pass, submitted among them (default 4). */
  passing?: number;
  /** Attempts per call (default 5: four retries, 250 ms doubling, about 4 s a call). */
  attempts?: number;
}

/** Runs a retry storm on a fresh `noob serve` and checks it; its row of the table. */
export async function runRetryStorm(options: RetryStormOptions = {}): Promise<ChaosRow> {
  const { failing = 8, passing = 4, attempts = 5 } = options;
  const started = Date.now();
  const db = tempDb();
  const serve = await startServe(db);
  const otherKey = await tenantKey(db, 'other');
  const retry = { attempts, backoff: { type: 'exponential', delayMs: 250 } };
  const storm: { id: string; key: string; fails: boolean }[] = [];
  // The passing jobs spread among the failing ones.
  const every = Math.max(1, Math.floor((failing + passing) / Math.max(1, passing)));
  for (let i = 0, passed = 0; i < failing + passing; i++) {
    const fails = !(passed < passing && i % every === 0);
    if (!fails) passed++;
    const body = fails
      ? { tube: FAILING_TUBE, epochs: 2, retry }
      : { tube: CHAOS_TUBE, epochs: 4, retry };
    storm.push({ id: await submitJob(serve, serve.key, body), key: serve.key, fails });
  }
  // The other tenant's job, once the storm's retries have begun.
  await eventually('the first retry', async () => {
    const [row] = await queryQueue(
      db,
      "SELECT count(*) AS n FROM events WHERE type = 'task.queued'",
    );
    return Number(row!.n) > 0 ? true : undefined;
  });
  const other = {
    id: await submitJob(serve, otherKey, { tube: CHAOS_TUBE, epochs: 4 }),
    key: otherKey,
  };
  let stormOpenWhenOtherDone: number | undefined;
  const views = await untilFinal(serve, [...storm, other], (round) => {
    if (stormOpenWhenOtherDone === undefined && isFinal(round.at(-1)!)) {
      stormOpenWhenOtherDone = round.slice(0, -1).filter((view) => !isFinal(view)).length;
    }
  });
  // Each wrong job once, with what was wrong.
  const wrong = new Map<string, string>();
  const otherView = views.at(-1)!;
  if (otherView.state !== 'succeeded')
    wrong.set(other.id, `another tenant's job ${otherView.state}`);
  else if (!stormOpenWhenOtherDone) {
    wrong.set(other.id, "another tenant's job finished only after the whole storm (starved)");
  }
  const failingIds = storm.filter((job) => job.fails).map((job) => job.id);
  for (const [i, job] of storm.entries()) {
    const view = views[i]!;
    // Failed, saying which node failed (not lost, not a worker's or the platform's error).
    if (
      job.fails &&
      (view.state !== 'failed' || !/node fail failed/.test(view.error?.message ?? ''))
    ) {
      wrong.set(job.id, `failing job ${view.state}: ${JSON.stringify(view.error)}`);
    }
  }
  // Each failing call was tried exactly `attempts` times, then given up (dead).
  const placeholders = failingIds.map(() => '?').join(', ');
  const calls = await queryQueue(
    db,
    `SELECT job_id, state, attempts FROM tasks WHERE job_id IN (${placeholders}) AND state <> 'cancelled'`,
    failingIds,
  );
  for (const call of calls) {
    if (call.state !== 'dead' || Number(call.attempts) !== attempts) {
      wrong.set(String(call.job_id), `a call ${call.state} after ${call.attempts} attempts`);
    }
  }
  const called = new Set(calls.map((call) => String(call.job_id)));
  for (const id of failingIds) if (!called.has(id)) wrong.set(id, 'no failing call made');
  // The passing jobs: the matrix's invariant (right results, none accepted twice, a job
  // submitted now still runs).
  const passingIds = storm.filter((job) => !job.fails).map((job) => job.id);
  const invariant = await checkInvariants(serve, db, passingIds);
  const lost = [...[...wrong].map(([id, what]) => `${id}: ${what}`), ...invariant.lost];
  return {
    scenario: `retry storm (${failingIds.length} failing jobs × ${attempts} attempts), another tenant's job`,
    acknowledged: storm.length + 1,
    succeeded: storm.length + 1 - wrong.size - (passingIds.length - invariant.succeeded),
    lost,
    duplicates: invariant.duplicates,
    faults: failingIds.length,
    seconds: Math.round((Date.now() - started) / 100) / 10,
    seed: 0,
  };
}
