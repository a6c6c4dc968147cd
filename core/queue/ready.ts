import type { QueueContext } from './context.ts';
import type { IdleMark } from './handoff.ts';
import { num } from './rows.ts';
import { sql } from './sql.ts';
import { normalizeTags } from './validate.ts';

/** What an idle worker learns from {@link nextReady}. */
export interface ReadyState {
  /** A task this worker may take is ready now. */
  ready: boolean;
  /** When the next queued task (delayed, or backing off) becomes ready; null if none. */
  nextRunAt: number | null;
  /** When the next lease expires (its task then returns to the queue); null if none. */
  nextLeaseExpiry: number | null;
  /**
   * When nothing is ready: the mark a worker offers for a hand-off (see handoff.ts), set
   * by Queue.nextReady when the queue can tell whether the database changed since.
   */
  idle?: IdleMark;
}

/** When the next task of `state` comes due: the first to become ready or to see its lease expire (ms; Infinity: none). */
export function nextDueAt(state: ReadyState): number {
  return Math.min(state.nextRunAt ?? Infinity, state.nextLeaseExpiry ?? Infinity);
}

/**
 * Whether a worker with these tags has work now, and when it might next: a read, so idle
 * workers looking after every commit never write (and never wake each other up).
 */
export async function nextReady(ctx: QueueContext, tags: readonly string[]): Promise<ReadyState> {
  const values = { tags: JSON.stringify(normalizeTags(tags, 'worker')), now: ctx.clock.now() };
  // Relaxed: a worker only decides whether to claim, and a claim is a write of its own.
  const [result] = await ctx.driver.batch([sql('tasks_next_ready', values)], 'read-relaxed');
  const row = result!.rows[0]!;
  return {
    ready: num(row.ready) === 1,
    nextRunAt: row.next_run_at === null ? null : num(row.next_run_at),
    nextLeaseExpiry: row.next_expiry === null ? null : num(row.next_expiry),
  };
}
