import type { QueueDriver } from './backend.ts';
import type { QueueContext } from './context.ts';
import { sql } from './sql.ts';

/** Which histogram: ready to claimed (`wait`), or claimed to succeeded (`run`). */
export type LatencyMetric = 'wait' | 'run';

/** How long observations wait in memory before they are written (ms). */
export const LATENCY_WRITE_MS = 1_000;

/**
 * The task latency observations of one queue object, gathered from its claims and
 * completions and written to the histograms together, at most a second later (and before
 * {@link taskLatency} reads them or the queue closes). Kept out of the claim and
 * completion transactions on purpose: there, bucketing every task cost about a
 * microsecond per task, a tenth of the queue's whole work on a no-op task. A crash loses
 * at most the last second's observations: these are metrics, not results.
 */
export class LatencyRecorder {
  readonly #driver: QueueDriver;
  // Tasks per metric and whole millisecond: few distinct values, whatever the task count.
  #pending = new Map<string, number>();
  #timer: NodeJS.Timeout | undefined;
  // The write under way, which a later write (and so a read) waits for.
  #writing: Promise<void> = Promise.resolve();
  #stopped = false;

  constructor(driver: QueueDriver) {
    this.#driver = driver;
  }

  /** Count one task's latency (negative values, from clock skew, count as 0). */
  observe(metric: LatencyMetric, ms: number): void {
    const key = `${metric} ${Math.max(0, Math.round(ms))}`;
    this.#pending.set(key, (this.#pending.get(key) ?? 0) + 1);
    this.#arm();
  }

  #arm(): void {
    if (this.#timer || this.#stopped) return;
    // A failed write keeps its observations and tries again a second later.
    this.#timer = setTimeout(() => void this.write().catch(() => undefined), LATENCY_WRITE_MS);
    this.#timer.unref?.();
  }

  /**
   * Write what was observed so far. A claim lost in a crash loses nothing more than these,
   * so the write skips the flush, like a claim. On failure the observations are kept for
   * the next write.
   */
  write(): Promise<void> {
    const previous = this.#writing.catch(() => undefined);
    const next = previous.then(() => this.#writePending());
    this.#writing = next;
    return next;
  }

  async #writePending(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#pending.size === 0) return;
    const taken = this.#pending;
    this.#pending = new Map();
    const observations = [...taken].map(([key, count]) => {
      const [metric, ms] = key.split(' ');
      return [metric, Number(ms), count];
    });
    try {
      await this.#driver.batch(
        [sql('latency_add', { observations: JSON.stringify(observations) })],
        'write-relaxed',
      );
    } catch (error) {
      for (const [key, count] of taken)
        this.#pending.set(key, (this.#pending.get(key) ?? 0) + count);
      this.#arm();
      throw error;
    }
  }

  /** Stop the timer without writing (the queue is closing and has written already). */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}

/** One task latency histogram: per-bucket counts (not cumulative) and totals. */
export interface LatencyHistogram {
  /** Upper bounds of the buckets (ms), ascending. */
  boundsMs: number[];
  /** Observations per bucket: `counts[i]` ≤ `boundsMs[i]`; the last entry is above them all. */
  counts: number[];
  /** All observations. */
  count: number;
  /** Their sum (ms). */
  sumMs: number;
}

/** The queue's task latency histograms, across every worker that used it. */
export interface TaskLatency {
  /** Ready (submitted, delay or backoff over, lease expired) to claimed. */
  wait: LatencyHistogram;
  /** Claimed to succeeded. */
  run: LatencyHistogram;
}

/**
 * Read the task latency histograms, after writing this queue object's own observations
 * (other processes' reach the database within {@link LATENCY_WRITE_MS}).
 */
export async function taskLatency(ctx: QueueContext): Promise<TaskLatency> {
  await ctx.latency.write();
  const [result] = await ctx.driver.batch([sql('latency_list', {})], 'read');
  const rows = result!.rows.map((row) => ({
    metric: String(row.metric),
    bucketMs: Number(row.bucket_ms),
    count: Number(row.count),
    sumMs: Number(row.sum_ms),
  }));
  const boundsMs = rows
    .filter((row) => row.metric === 'bound')
    .map((row) => row.bucketMs)
    .sort((a, b) => a - b);
  const histogram = (metric: string): LatencyHistogram => {
    const counts = new Array<number>(boundsMs.length + 1).fill(0);
    let count = 0;
    let sumMs = 0;
    for (const row of rows.filter((r) => r.metric === metric)) {
      const index = row.bucketMs === -1 ? boundsMs.length : boundsMs.indexOf(row.bucketMs);
      // A bucket whose bound is gone from latency_bounds counts above them all.
      counts[index === -1 ? boundsMs.length : index]! += row.count;
      count += row.count;
      sumMs += row.sumMs;
    }
    return { boundsMs, counts, count, sumMs };
  };
  return { wait: histogram('wait'), run: histogram('run') };
}
