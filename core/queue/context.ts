import type { QueueDriver } from './backend.ts';
import type { Clock } from './clock.ts';
import { LatencyRecorder } from './latency.ts';
import { envLimit } from './limits.ts';

/** The queue's size limits by default (see docs/limits.md). */
export const DEFAULT_LIMITS = {
  maxInputBytes: 8 * 1024 * 1024,
  maxOutcomeBytes: 16 * 1024 * 1024,
  maxTasksPerJob: 1_000_000,
  maxLeaseExpiries: 5,
} as const;

/** {@link DEFAULT_LIMITS} as the environment sets them (NOOB_MAX_INPUT_BYTES, …). */
export function queueLimits() {
  return {
    maxInputBytes: envLimit('NOOB_MAX_INPUT_BYTES', DEFAULT_LIMITS.maxInputBytes),
    maxOutcomeBytes: envLimit('NOOB_MAX_OUTCOME_BYTES', DEFAULT_LIMITS.maxOutcomeBytes),
    maxTasksPerJob: envLimit('NOOB_MAX_TASKS_PER_JOB', DEFAULT_LIMITS.maxTasksPerJob),
    maxLeaseExpiries: envLimit('NOOB_MAX_LEASE_EXPIRIES', DEFAULT_LIMITS.maxLeaseExpiries),
  };
}

/** Tunables of a queue; every field has a default (see {@link resolveOptions}). */
export interface QueueOptions {
  /** Time source (the real clock by default; tests pass a ManualClock). */
  clock?: Clock;
  /** Lease length when a claim names none (ms). */
  leaseMs?: number;
  /** Attempts per task when a submission names none. */
  maxAttempts?: number;
  /** First retry delay; doubles per attempt (ms). */
  backoffBaseMs?: number;
  /** Longest retry delay (ms). */
  backoffMaxMs?: number;
  /** Waiting this long raises a task one priority level (ms). */
  agingMs?: number;
  /** Random numbers in [0, 1) for backoff jitter (Math.random by default). */
  random?: () => number;
  /** Largest task input (its JSON: params and slot values) in bytes (default NOOB_MAX_INPUT_BYTES or 8 MiB). */
  maxInputBytes?: number;
  /** Largest job outcome (a tube run's results as JSON) in bytes (default NOOB_MAX_OUTCOME_BYTES or 16 MiB). */
  maxOutcomeBytes?: number;
  /** Most tasks one job may hold: epochs × calls per epoch (default NOOB_MAX_TASKS_PER_JOB or 1,000,000). */
  maxTasksPerJob?: number;
  /**
   * Lease expiries (a worker lost with the task) before a task is dead-lettered (default
   * NOOB_MAX_LEASE_EXPIRIES or 5). They are not node failures and do not use up its attempts, but a task that keeps
   * killing its workers must stop somewhere.
   */
  maxLeaseExpiries?: number;
}

/** What every queue operation works with. */
export interface QueueContext {
  driver: QueueDriver;
  clock: Clock;
  leaseMs: number;
  maxAttempts: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  agingMs: number;
  random: () => number;
  maxInputBytes: number;
  maxOutcomeBytes: number;
  maxTasksPerJob: number;
  maxLeaseExpiries: number;
  /** Task latencies seen by this queue object's claims and completions, not yet written. */
  latency: LatencyRecorder;
  /**
   * Commits made through this context that cannot make any task ready (completions, and
   * submissions whose tasks were all handed over), counted as they commit: they do not
   * spoil an idle worker's mark (see handoff.ts).
   */
  inertCommits: number;
}

/** The options with defaults filled in. */
export function resolveOptions(
  driver: QueueDriver,
  options: QueueOptions,
  systemClock: Clock,
): QueueContext {
  return {
    driver,
    clock: options.clock ?? systemClock,
    leaseMs: options.leaseMs ?? 30_000,
    maxAttempts: options.maxAttempts ?? 3,
    backoffBaseMs: options.backoffBaseMs ?? 1_000,
    backoffMaxMs: options.backoffMaxMs ?? 10 * 60_000,
    agingMs: options.agingMs ?? 60_000,
    random: options.random ?? Math.random,
    ...queueLimits(),
    ...definedOnly({
      maxInputBytes: options.maxInputBytes,
      maxOutcomeBytes: options.maxOutcomeBytes,
      maxTasksPerJob: options.maxTasksPerJob,
      maxLeaseExpiries: options.maxLeaseExpiries,
    }),
    latency: new LatencyRecorder(driver),
    inertCommits: 0,
  };
}

/** The fields of `values` that are set. */
function definedOnly<T extends Record<string, number | undefined>>(values: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(values).filter(([, v]) => v !== undefined),
  ) as Partial<T>;
}
