/**
 * Timing for the native benchmark: the best of a few timed batches, each long enough to
 * swamp the clock's resolution (the machine is shared: the best batch is the one least
 * disturbed by other work).
 */

/** Nanoseconds per call of `fn`: best of `batches` batches of at least `minMs` each. */
export function nsPerCall(fn: () => unknown, minMs = 150, batches = 3): number {
  let calls = 1;
  // Warm-up, and a batch size that lasts about minMs.
  for (let spent = 0; spent < minMs / 4; calls *= 2) {
    const start = performance.now();
    for (let i = 0; i < calls; i++) fn();
    spent = performance.now() - start;
  }
  let best = Number.POSITIVE_INFINITY;
  for (let b = 0; b < batches; b++) {
    const start = performance.now();
    for (let i = 0; i < calls; i++) fn();
    best = Math.min(best, ((performance.now() - start) * 1e6) / calls);
  }
  return best;
}

/** A figure rounded for the table. */
export function round(value: number, digits = 3): number {
  return Number(value.toPrecision(digits));
}
