import type { SqlRow } from './backend.ts';
import { JobFinishedError, JobNotFoundError } from './errors.ts';

/** From `job_exists` rows: throw unless the job exists and is still queued or running. */
export function requireJobOpen(jobId: string, rows: SqlRow[]): void {
  const state = rows[0]?.state;
  if (state === undefined) throw new JobNotFoundError(jobId);
  if (state !== 'queued' && state !== 'running') throw new JobFinishedError(jobId, String(state));
}
