import type { QueueContext } from './context.ts';
import { JobNotFoundError } from './errors.ts';
import { priorityOf } from './priority.ts';
import { num, parseJson, strOrNull, toFailure } from './rows.ts';
import { sql } from './sql.ts';
import type { JobKind, JobOutcome, JobState, JobView, TaskFailure } from './types.ts';

/** Options of {@link getJob}. */
export interface GetJobOptions {
  /**
   * Read every task's result and failure (default true). False reads only the job row,
   * and the first {@link SUMMARY_FAILURES} failures when it has any: a status for a job
   * of any size at the cost of one row.
   */
  taskResults?: boolean;
}

/** How many failures a job read without task results carries at most. */
export const SUMMARY_FAILURES = 20;

/**
 * A tenant's job: state, progress, results of succeeded tasks, failures of dead ones, and
 * the outcome its coordinator recorded.
 */
export async function getJob(
  ctx: QueueContext,
  tenant: string,
  jobId: string,
  options: GetJobOptions = {},
): Promise<JobView> {
  const values = { tenant, job_id: jobId, limit: SUMMARY_FAILURES };
  const full = options.taskResults ?? true;
  const [jobRows, fullTaskRows] = await ctx.driver.batch(
    full ? [sql('job_get', values), sql('job_tasks', values)] : [sql('job_get', values)],
    'read',
  );
  const job = jobRows!.rows[0];
  if (!job) throw new JobNotFoundError(jobId);
  let taskRows = fullTaskRows;
  if (!full && num(job.failed) > 0) {
    [taskRows] = await ctx.driver.batch([sql('job_failures', values)], 'read');
  }
  const results: Record<string, unknown> = {};
  const failures: Record<string, TaskFailure> = {};
  for (const task of taskRows?.rows ?? []) {
    if (task.state === 'succeeded') results[String(task.cid)] = parseJson(task.result);
    else failures[String(task.cid)] = toFailure(task.error);
  }
  return {
    id: String(job.id),
    tenant: String(job.tenant),
    kind: String(job.kind) as JobKind,
    payload: parseJson(job.payload),
    priority: priorityOf(num(job.priority)),
    idempotencyKey: strOrNull(job.idempotency_key),
    state: String(job.state) as JobState,
    sealed: num(job.sealed) === 1,
    progress: {
      total: num(job.total),
      done: num(job.done),
      failed: num(job.failed),
      cancelled: num(job.cancelled),
    },
    epochsDone: num(job.epochs_done),
    results,
    failures,
    outcome: parseJson(job.outcome) as JobOutcome | null,
    createdAt: num(job.created_at),
    updatedAt: num(job.updated_at),
    finishedAt: job.finished_at === null ? null : num(job.finished_at),
  };
}
