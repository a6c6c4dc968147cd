import type { QueueContext } from './context.ts';
import { sql } from './sql.ts';

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

/** Read the task latency histograms (claims and completions keep them). */
export async function taskLatency(ctx: QueueContext): Promise<TaskLatency> {
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
