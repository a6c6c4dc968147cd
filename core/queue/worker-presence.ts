import type { QueueDriver } from './backend.ts';
import { parseJson } from './rows.ts';
import { sql } from './sql.ts';

/**
 * Which workers are there, as coordinators and supervisors see it: the tag sets on offer
 * (a run that needs tags nobody offers must not hold a coordinator's slot), and
 * forgetting a worker whose process is known to be gone.
 */

/** The tag sets known workers offer. */
export async function workerTagSets(driver: QueueDriver): Promise<string[][]> {
  const [found] = await driver.batch([sql('workers_tags', {})], 'read-relaxed');
  return found!.rows.map((row) => (parseJson(row.tags) as string[] | null) ?? []);
}

/** Removes a worker that is gone from the worker lists and counts. */
export async function forgetWorker(driver: QueueDriver, workerId: string) {
  await driver.execute(sql('worker_forget', { worker_id: workerId }));
}
