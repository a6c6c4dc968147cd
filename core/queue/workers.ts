import type { QueueContext } from './context.ts';
import { toWorker } from './rows.ts';
import { sql } from './sql.ts';
import type { WorkerInfo } from './types.ts';
import { normalizeTags, requireId } from './validate.ts';

/** Register a worker (or refresh it) with its tags. Claims and heartbeats also refresh it. */
export async function registerWorker(
  ctx: QueueContext,
  workerId: string,
  tags: readonly string[] = [],
): Promise<void> {
  requireId(workerId, 'workerId');
  await ctx.driver.execute(
    sql('worker_seen', {
      worker_id: workerId,
      tags: JSON.stringify(normalizeTags(tags, `worker ${workerId}`)),
      now: ctx.clock.now(),
    }),
  );
}

/** Known workers, most recently seen first, with how many tasks each holds. */
export async function listWorkers(ctx: QueueContext): Promise<WorkerInfo[]> {
  const { rows } = await ctx.driver.execute(sql('workers_list', {}));
  return rows.map(toWorker);
}
