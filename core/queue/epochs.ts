import type { QueueContext } from './context.ts';
import { sql } from './sql.ts';
import { requireId, requireInt } from './validate.ts';

/**
 * Record that a tube run's coordinator has finished `done` root epochs (0 as it starts the
 * run): the job is running from then on, its `epochsDone` only grows, and each new count
 * is a `job.progress` event. A run whose node calls are all the coordinator's own (stateful
 * nodes make no tasks) shows its progress this way.
 */
export async function recordEpochs(
  ctx: QueueContext,
  tenant: string,
  jobId: string,
  done: number,
): Promise<void> {
  requireId(jobId, 'jobId');
  requireInt(done, 'epochs done', 0, Number.MAX_SAFE_INTEGER);
  const values = { tenant, job_id: jobId, done, now: ctx.clock.now() };
  await ctx.driver.batch([sql('job_epochs_done', values), sql('job_progress_event', values)]);
}
