import type { QueueContext } from './context.ts';
import { JobFinishedError, JobNotFoundError } from './errors.ts';
import { sql } from './sql.ts';

/** What a cancellation did. */
export interface CancelResult {
  /** Queued tasks cancelled now. */
  queued: number;
  /** Running tasks flagged: their holders stop at their next heartbeat. */
  running: number;
}

/**
 * Cancel a job: queued tasks become cancelled at once, running ones are flagged (their
 * holder learns it at its next heartbeat; a lease that expires meanwhile ends cancelled).
 * Cancelling a cancelled job again does nothing; a succeeded or failed one cannot be.
 */
export async function cancelJob(
  ctx: QueueContext,
  tenant: string,
  jobId: string,
): Promise<CancelResult> {
  const values = { tenant, job_id: jobId, now: ctx.clock.now() };
  const [, queued, running, exists] = await ctx.driver.batch([
    sql('job_cancel', values),
    sql('tasks_cancel_queued', values),
    sql('tasks_cancel_running', values),
    sql('job_exists', values),
  ]);
  const state = exists!.rows[0]?.state;
  if (state === undefined) throw new JobNotFoundError(jobId);
  if (state !== 'cancelled') throw new JobFinishedError(jobId, String(state));
  return { queued: queued!.changes, running: running!.changes };
}
