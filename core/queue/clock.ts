/**
 * Time as the queue sees it. Leases, delays, backoff and aging all read `now()`, so a
 * test moves a {@link ManualClock} instead of sleeping.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

/** The real clock (the default). */
export const systemClock: Clock = { now: () => Date.now() };

/** A clock that only moves when told to: for tests of leases, delays and aging. */
export class ManualClock implements Clock {
  #now: number;

  constructor(start = Date.now()) {
    this.#now = start;
  }

  /** The current time. */
  now(): number {
    return this.#now;
  }

  /** Move forward by `ms`. */
  advance(ms: number): void {
    this.#now += ms;
  }
}
