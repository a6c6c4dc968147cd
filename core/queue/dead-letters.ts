import type { QueueContext } from './context.ts';
import { JobFinishedError, JobNotFoundError } from './errors.ts';
import { num, parseJson, strOrNull } from './rows.ts';
import { sql } from './sql.ts';
import type { TaskFailure } from './types.ts';

/** A dead-lettered task: a node call that failed for good, and why. */
export interface DeadLetter {
  taskId: number;
  jobId: string;
  cid: string;
  nodeId: string | null;
  epoch: string | null;
  /** Attempts it made (lease expiries not counted). */
  attempts: number;
  error: TaskFailure;
  failedAt: number;
}

/** Which dead letters to list. */
export interface DeadLetterQuery {
  /** Only this job's. */
  jobId?: string;
  /** How many at most (default 50). */
  limit?: number;
}

/** A tenant's dead-lettered tasks, newest failure first. */
export async function listDeadLetters(
  ctx: QueueContext,
  tenant: string,
  query: DeadLetterQuery = {},
): Promise<DeadLetter[]> {
  const values = { tenant, job_id: query.jobId ?? null, limit: query.limit ?? 50 };
  const [rows] = await ctx.driver.batch([sql('dead_letters_list', values)], 'read');
  return rows!.rows.map((row) => ({
    taskId: num(row.id),
    jobId: String(row.job_id),
    cid: String(row.cid),
    nodeId: strOrNull(row.node_id),
    epoch: strOrNull(row.epoch),
    attempts: num(row.attempts),
    error: parseJson(row.error) as TaskFailure,
    failedAt: num(row.finished_at),
  }));
}

/**
 * Retry a failed job: it is queued again, its dead and cancelled tasks with fresh attempts,
 * and a tube run goes back to its coordinator, which reuses the results of the calls that
 * succeeded. Returns how many tasks were queued again. A job that is not failed cannot be
 * retried ({@link JobFinishedError} says its state; re-run it as a new job instead).
 */
export async function retryJob(ctx: QueueContext, tenant: string, jobId: string): Promise<number> {
  const values = { tenant, job_id: jobId, aging_ms: ctx.agingMs, now: ctx.clock.now() };
  const [reopened, retried, exists] = await ctx.driver.batch([
    sql('job_retry', values),
    sql('tasks_retry', values),
    sql('job_exists', values),
  ]);
  if (reopened!.rows.length > 0) return retried!.changes;
  const state = exists!.rows[0]?.state;
  if (state === undefined) throw new JobNotFoundError(jobId);
  throw new JobFinishedError(
    jobId,
    String(state),
    'Only a failed job can be retried; re-run it as a new job.',
  );
}

/** How many jobs a tenant has queued or running (for a per-tenant quota). */
export async function openJobCount(ctx: QueueContext, tenant: string): Promise<number> {
  const [rows] = await ctx.driver.batch([sql('jobs_open_count', { tenant })], 'read-relaxed');
  return num(rows!.rows[0]!.open);
}
