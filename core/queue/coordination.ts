import type { QueueDriver } from './backend.ts';
import { parseJson } from './rows.ts';
import { sql } from './sql.ts';

/** A tube run waiting for (or in the hands of) a coordinator. */
export interface OpenTubeJob {
  id: string;
  tenant: string;
  payload: unknown;
}

/** Tube runs not yet sealed nor cancelled, oldest first (at most `limit`). */
export async function openTubeJobs(driver: QueueDriver, limit = 100): Promise<OpenTubeJob[]> {
  // Relaxed: the coordinator only acts on these jobs through durable writes of its own.
  const [rows] = await driver.batch([sql('jobs_open_tube', { limit })], 'read-relaxed');
  return rows!.rows.map((row) => ({
    id: String(row.id),
    tenant: String(row.tenant),
    payload: parseJson(row.payload),
  }));
}
