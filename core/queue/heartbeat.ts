import type { QueueContext } from './context.ts';
import { sql } from './sql.ts';
import type { HeartbeatResult } from './types.ts';
import { requireId } from './validate.ts';

/**
 * A worker's heartbeat for the tasks it runs, in one transaction: refresh the worker,
 * end the tasks whose job was cancelled (that is how a running task's holder learns of
 * it), and extend the leases it still holds. Whatever is in neither list was lost.
 */
export async function heartbeat(
  ctx: QueueContext,
  workerId: string,
  taskIds: readonly number[],
): Promise<HeartbeatResult> {
  requireId(workerId, 'workerId');
  const values = {
    worker_id: workerId,
    tags: null,
    task_ids: JSON.stringify(taskIds),
    now: ctx.clock.now(),
  };
  const [, cancelledRows, heldRows] = await ctx.driver.batch([
    sql('worker_seen', values),
    sql('heartbeat_cancel', values),
    sql('heartbeat_extend', values),
  ]);
  const cancelled = cancelledRows!.rows.map((row) => Number(row.id));
  const held = new Set([...cancelled, ...heldRows!.rows.map((row) => Number(row.id))]);
  return {
    cancelled: taskIds.filter((id) => cancelled.includes(id)),
    lost: taskIds.filter((id) => !held.has(id)),
  };
}

/**
 * Give back tasks a worker claimed but will not start (it is stopping): they are queued
 * again at once, and the claim does not count as an attempt. Returns the ids released.
 */
export async function releaseTasks(
  ctx: QueueContext,
  workerId: string,
  taskIds: readonly number[],
): Promise<number[]> {
  requireId(workerId, 'workerId');
  if (taskIds.length === 0) return [];
  const values = { worker_id: workerId, task_ids: JSON.stringify(taskIds), now: ctx.clock.now() };
  const [released] = await ctx.driver.batch([sql('tasks_release', values)]);
  return released!.rows.map((row) => Number(row.id));
}
