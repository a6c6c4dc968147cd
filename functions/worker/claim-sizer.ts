/** Most tasks a worker holds claimed beyond its free slots. */
export const MAX_PREFETCH = 512;

/**
 * How many tasks a queue worker claims at a time. It holds its free slots' worth plus
 * "prefetch": about `prefetchMs` of expected run time per slot, from a moving average of
 * how long its calls take. Fast calls (no-ops, lookups) come hundreds per claim, so the
 * queue's per-claim cost is spread thin; slow calls come one per free slot, so a worker
 * never sits on work another one could start.
 */
export class ClaimSizer {
  readonly #concurrency: number;
  readonly #prefetchMs: number;
  #averageMs: number | undefined;

  constructor(concurrency: number, prefetchMs: number) {
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new RangeError(`concurrency must be a whole number of at least 1, got ${concurrency}`);
    }
    if (!(prefetchMs >= 0)) throw new RangeError(`prefetchMs must be 0 or more, got ${prefetchMs}`);
    this.#concurrency = concurrency;
    this.#prefetchMs = prefetchMs;
  }

  /** Record how long one call ran (ms). */
  observe(ms: number): void {
    this.#averageMs = this.#averageMs === undefined ? ms : this.#averageMs * 0.9 + ms * 0.1;
  }

  /** Tasks to hold: running plus claimed and waiting. */
  get target(): number {
    if (this.#averageMs === undefined || this.#prefetchMs === 0) return this.#concurrency;
    const perSlot = this.#prefetchMs / Math.max(this.#averageMs, 0.001);
    return this.#concurrency + Math.min(MAX_PREFETCH, Math.floor(perSlot * this.#concurrency));
  }

  /**
   * How many to claim now, given the tasks running and waiting (0: not worth a claim yet).
   * With nothing waiting, any free slot is worth one; with tasks still waiting, claiming
   * waits until half the target is free, so claims stay large.
   */
  room(running: number, waiting: number): number {
    const target = this.target;
    const room = target - running - waiting;
    if (room <= 0) return 0;
    return waiting === 0 || room >= target / 2 ? room : 0;
  }
}
