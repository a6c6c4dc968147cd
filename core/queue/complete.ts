import type { QueueContext } from './context.ts';
import { sql } from './sql.ts';
import { requireId } from './validate.ts';

/** One finished task and its result (JSON-serializable). */
export interface Completion {
  taskId: number;
  result: unknown;
}

/**
 * Record results, each accepted only from the worker currently holding the task's lease
 * and only once: a late or duplicate report (the lease expired and someone else took
 * the task, or it was already completed) changes nothing. All in one transaction, so a
 * worker can report a batch in one commit. Returns, per completion, whether it was
 * accepted (false too when the job was cancelled while the task ran). A lease that expired
 * but was not yet reaped or reclaimed still counts as held: nobody else has the task, so
 * taking the result is still exactly once and saves a rerun.
 */
export async function completeTasks(
  ctx: QueueContext,
  workerId: string,
  completions: readonly Completion[],
): Promise<boolean[]> {
  requireId(workerId, 'workerId');
  if (completions.length === 0) return [];
  const values = {
    worker_id: workerId,
    tags: null,
    completions: JSON.stringify(
      completions.map((c) => ({ id: c.taskId, result: JSON.stringify(c.result ?? null) })),
    ),
    now: ctx.clock.now(),
  };
  const [, done] = await ctx.driver.batch([
    sql('worker_seen', values),
    sql('tasks_complete', values),
  ]);
  const accepted = new Set(
    done!.rows.filter((row) => row.state === 'succeeded').map((row) => Number(row.id)),
  );
  return completions.map((c) => accepted.has(c.taskId));
}
