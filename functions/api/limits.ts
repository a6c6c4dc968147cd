import type { Context } from 'hono';
import { queueLimits } from '../../core/queue/context.ts';
import { envLimit } from '../../core/queue/limits.ts';
import { errorResponse } from '../http/errors.ts';

/**
 * The job API's per-tenant quotas and per-job limits (docs/limits.md). A quota that is full
 * answers 429 with `Retry-After`, naming the quota and its limit; a job too large to ever
 * fit answers 400. One tenant filling its quota never slows another's requests.
 */
export interface ApiLimits {
  /** Jobs a tenant may have queued or running at once (default 1,000). */
  maxOpenJobsPerTenant: number;
  /** Event streams (`GET /v1/jobs/:id/events`) a tenant may hold open at once (default 32). */
  maxStreamsPerTenant: number;
  /**
   * Most tasks one job may make: a submission whose epochs × nodes is over it is refused at
   * once (default the queue's maxTasksPerJob, 1,000,000; maps add more at run time, which
   * the queue stops at the same limit).
   */
  maxTasksPerJob: number;
  /** What `Retry-After` says when a quota is full (seconds, default 5). */
  retryAfterSeconds: number;
  /**
   * Longest `timeoutMs` a job may ask for, and the timeout of a job that asks for none
   * (ms, default 24 hours): no job holds the platform's slots for ever.
   */
  maxJobTimeoutMs: number;
}

/**
 * The limits when none are given: NOOB_MAX_OPEN_JOBS, NOOB_MAX_STREAMS, NOOB_MAX_TASKS_PER_JOB,
 * NOOB_RETRY_AFTER_SECONDS and NOOB_MAX_JOB_TIMEOUT_MS, else the defaults above.
 */
export function defaultApiLimits(): ApiLimits {
  return {
    maxOpenJobsPerTenant: envLimit('NOOB_MAX_OPEN_JOBS', 1_000),
    maxStreamsPerTenant: envLimit('NOOB_MAX_STREAMS', 32),
    maxTasksPerJob: queueLimits().maxTasksPerJob,
    retryAfterSeconds: envLimit('NOOB_RETRY_AFTER_SECONDS', 5),
    maxJobTimeoutMs: envLimit('NOOB_MAX_JOB_TIMEOUT_MS', 24 * 60 * 60 * 1000),
  };
}

/** A 429 for a full quota: the code, what is full, its limit, and when to try again. */
export function quotaExceeded(
  c: Context,
  limits: ApiLimits,
  what: string,
  limit: number,
  remedy: string,
): Response {
  c.header('Retry-After', String(limits.retryAfterSeconds));
  return errorResponse(
    c,
    429,
    'quota_exceeded',
    `this tenant already has ${limit} ${what}, its limit`,
    {
      quota: what,
      limit,
      retryAfterSeconds: limits.retryAfterSeconds,
      remedy,
    },
  );
}

/** Counts held per tenant (open event streams), in this API process. */
export class TenantSlots {
  readonly #held = new Map<string, number>();
  readonly #max: number;

  constructor(max: number) {
    this.#max = max;
  }

  /** Takes a slot for `tenant`; returns the function that gives it back, or undefined when full. */
  take(tenant: string): (() => void) | undefined {
    const held = this.#held.get(tenant) ?? 0;
    if (held >= this.#max) return undefined;
    this.#held.set(tenant, held + 1);
    let given = false;
    return () => {
      if (given) return;
      given = true;
      const left = (this.#held.get(tenant) ?? 1) - 1;
      if (left === 0) this.#held.delete(tenant);
      else this.#held.set(tenant, left);
    };
  }
}
