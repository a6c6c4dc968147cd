import { InvalidSubmissionError } from './errors.ts';
import type { RetryPolicy, TaskSpec } from './types.ts';

/** Checks at the queue's edge, so bad input fails with a message instead of a SQL error. */

/** A non-empty string (tenant, worker id, CID). */
export function requireId(value: unknown, what: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new InvalidSubmissionError(`${what} must be a non-empty string`, {
      details: `Got ${JSON.stringify(value)}.`,
    });
  }
  return value;
}

/** An integer within [min, max]. */
export function requireInt(value: number, what: string, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InvalidSubmissionError(`${what} must be an integer from ${min} to ${max}`, {
      details: `Got ${value}.`,
    });
  }
  return value;
}

/** Tags as a sorted, de-duplicated list of non-empty strings. */
export function normalizeTags(tags: readonly string[] | undefined, what: string): string[] {
  for (const tag of tags ?? []) requireId(tag, `each tag of ${what}`);
  return [...new Set(tags ?? [])].sort();
}

/** A task spec's own fields. */
export function validateTask(task: TaskSpec, index: number): void {
  requireId(task.cid, `tasks[${index}].cid`);
  if (task.delayMs !== undefined) {
    requireInt(task.delayMs, `tasks[${index}].delayMs`, 0, Number.MAX_SAFE_INTEGER);
  }
  if (task.maxAttempts !== undefined) {
    requireInt(task.maxAttempts, `tasks[${index}].maxAttempts`, 1, 1_000);
  }
}

/** Longest retry delay a policy may ask for: a day. */
const MAX_BACKOFF_MS = 24 * 3_600_000;

/** A job's retry policy as its row's values (see jobs_insert; null: the queue's default). */
export function checkRetry(retry: RetryPolicy | undefined) {
  const attempts = retry?.attempts;
  const base = retry?.backoffMs;
  const max = retry?.backoffMaxMs;
  if (attempts !== undefined) requireInt(attempts, 'retry.attempts', 1, 1_000);
  if (base !== undefined) requireInt(base, 'retry.backoffMs', 0, MAX_BACKOFF_MS);
  if (max !== undefined) requireInt(max, 'retry.backoffMaxMs', 0, MAX_BACKOFF_MS);
  return {
    retry_attempts: attempts ?? null,
    retry_backoff_ms: base ?? null,
    // A base above the default cap would be capped: a policy's own base raises its cap.
    retry_backoff_max_ms: max ?? (base !== undefined ? Math.max(base, 10 * 60_000) : null),
  };
}
