import { NoobError } from '../errors.ts';
import type { QueueContext } from './context.ts';
import { UNRECOVERABLE_ERRORS } from './errors.ts';
import { sql } from './sql.ts';
import { type LogChunk, taskLogsStatement } from './task-logs.ts';
import type { FailResult, TaskFailure, TaskState } from './types.ts';
import { requireId } from './validate.ts';

/** Options of a failure report. */
export interface FailOptions {
  /**
   * Retry while attempts remain. Default: true, except for an `UnrecoverableError` (or
   * `UnrecoverableTaskError`), matched by name, so it also works for errors rebuilt from
   * another process.
   */
  retryable?: boolean;
  /** What the failed call printed, kept with the task (see task-logs.ts). */
  logs?: readonly LogChunk[];
}

/** What is stored of an error: its name, its message and details, never its stack. */
export function describeFailure(error: unknown): TaskFailure {
  if (error instanceof NoobError) {
    return {
      name: error.name,
      message: error.shortMessage,
      ...(error.details ? { details: error.details } : {}),
    };
  }
  if (error instanceof Error) return { name: error.name, message: error.message };
  if (error && typeof error === 'object' && 'name' in error && 'message' in error) {
    return { name: String(error.name), message: String(error.message) };
  }
  return { name: 'Error', message: String(error) };
}

/**
 * Record a failed attempt from the lease holder: a retry after exponential backoff with
 * jitter while attempts remain and the error is retryable, else the dead-letter state,
 * which keeps the failure.
 */
export async function failTask(
  ctx: QueueContext,
  workerId: string,
  taskId: number,
  error: unknown,
  options: FailOptions = {},
): Promise<FailResult> {
  requireId(workerId, 'workerId');
  const failure = describeFailure(error);
  const retryable = options.retryable ?? !UNRECOVERABLE_ERRORS.has(failure.name);
  const logs = taskLogsStatement(workerId, [{ taskId, logs: options.logs }]);
  const results = await ctx.driver.batch([
    sql('worker_seen', { worker_id: workerId, tags: null, now: ctx.clock.now() }),
    ...(logs ? [logs] : []),
    sql('task_fail', {
      worker_id: workerId,
      task_id: taskId,
      error: JSON.stringify(failure),
      retryable: retryable ? 1 : 0,
      backoff_base_ms: ctx.backoffBaseMs,
      backoff_max_ms: ctx.backoffMaxMs,
      jitter: ctx.random(),
      aging_ms: ctx.agingMs,
      now: ctx.clock.now(),
    }),
  ]);
  const row = results.at(-1)!.rows[0];
  if (!row) return { accepted: false, state: null, retryAt: null };
  const state = String(row.state) as TaskState;
  return { accepted: true, state, retryAt: state === 'queued' ? Number(row.run_at) : null };
}
