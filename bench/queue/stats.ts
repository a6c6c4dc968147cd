/** Small statistics for the queue benchmark. */

/** The p-th percentile (0–100) of some samples, nearest rank. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) throw new Error('no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

/** p50 and p99 of latency samples, in ms rounded to µs. */
export function latencySummary(samples: readonly number[]): { p50: number; p99: number } {
  const round = (ms: number) => Math.round(ms * 1000) / 1000;
  return { p50: round(percentile(samples, 50)), p99: round(percentile(samples, 99)) };
}

/** Wall-clock now in ms with sub-ms precision, comparable across processes. */
export function wallNow(): number {
  return performance.timeOrigin + performance.now();
}
