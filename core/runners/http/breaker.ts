/**
 * A circuit breaker per worker. Closed: calls flow. After `failureThreshold` failures in a
 * row it opens: no calls for `cooldownMs`. Then half-open: up to `probes` trial calls; a
 * success closes it, a failure opens it again for another cool-down.
 */
export interface BreakerOptions {
  failureThreshold?: number;
  cooldownMs?: number;
  probes?: number;
  /** Time source (milliseconds); tests pass their own. */
  now?: () => number;
}

/** The breaker's state, as `/workers` listings show it. */
export type BreakerState = 'closed' | 'open' | 'half-open';

/** See the file comment. */
export class CircuitBreaker {
  readonly #threshold: number;
  readonly #cooldownMs: number;
  readonly #probes: number;
  readonly #now: () => number;
  #failures = 0;
  #openedAt: number | undefined;
  #probesInFlight = 0;

  constructor(options: BreakerOptions = {}) {
    this.#threshold = options.failureThreshold ?? 3;
    this.#cooldownMs = options.cooldownMs ?? 5_000;
    this.#probes = options.probes ?? 1;
    this.#now = options.now ?? Date.now;
  }

  get state(): BreakerState {
    if (this.#openedAt === undefined) return 'closed';
    return this.#now() - this.#openedAt >= this.#cooldownMs ? 'half-open' : 'open';
  }

  /** Whether a call may go to this worker now (a half-open breaker lets probes through). */
  allows(): boolean {
    const state = this.state;
    return state === 'closed' || (state === 'half-open' && this.#probesInFlight < this.#probes);
  }

  /** Marks a call as started; in half-open state it counts as a probe. */
  begin(): void {
    if (this.state === 'half-open') this.#probesInFlight++;
  }

  success(): void {
    this.#failures = 0;
    this.#openedAt = undefined;
    this.#probesInFlight = 0;
  }

  failure(): void {
    const wasProbing = this.state === 'half-open';
    this.#failures++;
    if (wasProbing || this.#failures >= this.#threshold) {
      this.#openedAt = this.#now();
      this.#probesInFlight = 0;
    }
  }
}
