import type { QueueContext } from './context.ts';
import { sql } from './sql.ts';
import { requireId, requireInt } from './validate.ts';

/** A job's node calls run on the peer network, as its coordinator counts them. */
export interface NetworkCalls {
  /** Calls sent to the network. */
  total: number;
  /** Calls whose answer was accepted (by the job's verification). */
  done: number;
  /** Calls that failed (no quorum, the node's error). */
  failed: number;
  /** Calls given up: the run stopped, or no executor answered in time. */
  cancelled: number;
}

/**
 * Record how far a job run on the peer network got: its calls there are not tasks in the
 * queue, so its coordinator counts them and they become the job's `progress` (total, done,
 * failed, cancelled) as queued tasks' counts do, with a `job.progress` event carrying them.
 * The counts are the run's: a run starts from zero (one resumed or retried counts again).
 */
export async function recordNetworkCalls(
  ctx: QueueContext,
  tenant: string,
  jobId: string,
  calls: NetworkCalls,
): Promise<void> {
  requireId(jobId, 'jobId');
  for (const [name, value] of Object.entries(calls))
    requireInt(value, `calls ${name}`, 0, Number.MAX_SAFE_INTEGER);
  const values = { tenant, job_id: jobId, now: ctx.clock.now() };
  await ctx.driver.batch([
    sql('job_network_calls', { ...values, ...calls }),
    sql('job_network_calls_event', values),
  ]);
}
