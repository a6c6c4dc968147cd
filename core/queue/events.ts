import type { QueueContext } from './context.ts';
import { toEvent } from './rows.ts';
import { sql } from './sql.ts';
import type { QueueEvent } from './types.ts';

/** Options of {@link listEvents}. */
export interface EventsOptions {
  /** Only events after this id (an SSE stream's Last-Event-ID); 0 for all. */
  afterId?: number;
  /** At most this many (default 1000). */
  limit?: number;
}

/** A tenant's job's events after an id, oldest first (empty for an unknown job). */
export async function listEvents(
  ctx: QueueContext,
  tenant: string,
  jobId: string,
  options: EventsOptions = {},
): Promise<QueueEvent[]> {
  const { rows } = await ctx.driver.execute(
    sql('events_after', {
      tenant,
      job_id: jobId,
      after_id: options.afterId ?? 0,
      limit: options.limit ?? 1_000,
    }),
  );
  return rows.map(toEvent);
}
