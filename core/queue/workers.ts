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

/**
 * Known workers, most recently seen first, with how many tasks each holds (with `tenant`:
 * how many of that tenant's).
 */
export async function listWorkers(ctx: QueueContext, tenant?: string): Promise<WorkerInfo[]> {
  const { rows } = await ctx.driver.execute(
    tenant === undefined ? sql('workers_list', {}) : sql('workers_list_tenant', { tenant }),
  );
  return rows.map(toWorker);
}
