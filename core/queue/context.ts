import type { QueueDriver } from './backend.ts';
import type { Clock } from './clock.ts';
import { LatencyRecorder } from './latency.ts';

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
    latency: new LatencyRecorder(driver),
    inertCommits: 0,
  };
}
