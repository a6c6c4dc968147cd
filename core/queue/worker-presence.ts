import type { QueueDriver } from './backend.ts';
import { envLimit } from './limits.ts';
import { parseJson } from './rows.ts';
import { sql } from './sql.ts';

/**
 * Which workers are there, as coordinators, supervisors and the job API see it: the tag
 * sets on offer (a run that needs tags nobody offers must not hold a coordinator's slot),
 * and forgetting workers that are gone, whether their process was seen to exit or they
 * simply stopped being seen (killed along with their server, their machine lost).
 */

/**
 * How long a worker may go unseen before it counts as gone (ms): NOOB_WORKER_DEAD_MS, else
 * 60 s. A live worker, even an idle one, is seen at each heartbeat (a third of its lease,
 * 10 s by default).
 */
export function workerDeadMs(): number {
  return envLimit('NOOB_WORKER_DEAD_MS', 60_000);
}

/**
 * Ids of standing entries: a worker function (`lambda-function:NAME`, see
 * `registerWorkerFunction`) is registered once and exists whenever it is invoked, so it
 * is live however long since it was seen, and never reaped.
 */
const STANDING = 'lambda-function:%';

/** The tag sets live workers offer (those seen within `deadMs`, and standing entries). */
export async function workerTagSets(
  driver: QueueDriver,
  deadMs = workerDeadMs(),
  now = Date.now(),
): Promise<string[][]> {
  const [found] = await driver.batch(
    [sql('workers_tags', { now, dead_ms: deadMs, standing: STANDING })],
    'read-relaxed',
  );
  return found!.rows.map((row) => (parseJson(row.tags) as string[] | null) ?? []);
}

/** Removes a worker that is gone from the worker lists and counts. */
export async function forgetWorker(driver: QueueDriver, workerId: string) {
  await driver.execute(sql('worker_forget', { worker_id: workerId }));
}

/** Removes every worker not seen for `deadMs` (standing entries stay); the ids removed. */
export async function reapWorkers(
  driver: QueueDriver,
  deadMs = workerDeadMs(),
  now = Date.now(),
): Promise<string[]> {
  const { rows } = await driver.execute(
    sql('workers_reap', { now, dead_ms: deadMs, standing: STANDING }),
  );
  return rows.map((row) => String(row.id));
}
