import { InvalidSubmissionError } from './errors.ts';
import type { Priority } from './types.ts';

/** Priorities in claim order; the index is what the database stores (0 = first). */
export const PRIORITIES: readonly Priority[] = ['CRITICAL', 'HIGH', 'NORMAL', 'LOW'];

/** The stored rank of a priority. */
export function priorityLevel(priority: Priority): number {
  const level = PRIORITIES.indexOf(priority);
  if (level < 0) {
    throw new InvalidSubmissionError(`unknown priority ${JSON.stringify(priority)}`, {
      details: `Use one of ${PRIORITIES.join(', ')}.`,
    });
  }
  return level;
}

/** The priority of a stored level. */
export function priorityOf(level: number): Priority {
  return PRIORITIES[level] ?? 'NORMAL';
}

/**
 * The claim rank of a task that becomes ready at `readyAt`: waiting `agingMs` is worth one
 * priority level, so a LOW task overtakes fresh CRITICAL work after 3 × agingMs and is
 * never starved. Rank does not depend on the current time, so it can be stored and indexed.
 */
export function rankOf(level: number, readyAt: number, agingMs: number): number {
  return level * agingMs + readyAt;
}
