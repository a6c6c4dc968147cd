/**
 * A worker's load as load balancers see it: calls in flight, capacity, and a moving
 * average of call latency (for fastest-response balancing).
 */
export class LoadTracker {
  readonly capacity: number;
  inFlight = 0;
  /** Most calls ever in flight at once. */
  peakInFlight = 0;
  completed = 0;
  failed = 0;
  #averageMs: number | undefined;

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  /** Marks a call started; the returned function marks it finished. */
  start(): (ok: boolean) => void {
    this.inFlight++;
    this.peakInFlight = Math.max(this.peakInFlight, this.inFlight);
    const started = performance.now();
    return (ok) => {
      this.inFlight--;
      if (ok) this.completed++;
      else this.failed++;
      const elapsed = performance.now() - started;
      // Exponential moving average: recent calls weigh most, one outlier does not dominate.
      this.#averageMs =
        this.#averageMs === undefined ? elapsed : this.#averageMs * 0.8 + elapsed * 0.2;
    };
  }

  /** The `GET /v1/load` body. */
  snapshot() {
    return {
      inFlight: this.inFlight,
      peakInFlight: this.peakInFlight,
      capacity: this.capacity,
      completed: this.completed,
      failed: this.failed,
      recentLatencyMs: this.#averageMs ?? null,
    };
  }
}
