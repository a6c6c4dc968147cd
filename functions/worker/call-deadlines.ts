/** A running call, as its deadline sees it: abandoned once past it, cancelled or lost. */
export interface CallWatch {
  /** When it is past its time (ms since the epoch). */
  readonly at: number;
  readonly abandoned: boolean;
  /** Leave the call behind now (once): `timedOut` says whether its time ran out. */
  abandon(timedOut: boolean): void;
}

/**
 * The deadlines of a worker's running calls: one sweep for all of them, not a timer per
 * call (the hot path stays as fast), abandoning each call past its time.
 */
export class CallDeadlines {
  readonly #timeoutMs: number;
  readonly #watches = new Map<AbortController, CallWatch>();
  #sweep: NodeJS.Timeout | undefined;

  /** Calls may run `timeoutMs` each. */
  constructor(timeoutMs: number) {
    this.#timeoutMs = timeoutMs;
  }

  /** Sweep a few times per timeout (at least every 10 ms, at most every second). */
  start(): void {
    const sweepMs = Math.max(10, Math.min(1_000, Math.floor(this.#timeoutMs / 4)));
    this.#sweep = setInterval(() => this.#abandonLate(), sweepMs);
    this.#sweep.unref();
  }

  stop(): void {
    clearInterval(this.#sweep);
  }

  /**
   * Watch a starting call until {@link forget}: past its time (or when told to), it is
   * abandoned once, and `onAbandon` does the rest (abort it, free its slot, report it).
   */
  watch(controller: AbortController, onAbandon: (timedOut: boolean) => void): CallWatch {
    const watch = {
      at: Date.now() + this.#timeoutMs,
      abandoned: false,
      abandon: (timedOut: boolean) => {
        if (watch.abandoned) return;
        watch.abandoned = true;
        this.#watches.delete(controller);
        onAbandon(timedOut);
      },
    };
    this.#watches.set(controller, watch);
    return watch;
  }

  /** The watch of a running call. */
  get(controller: AbortController): CallWatch | undefined {
    return this.#watches.get(controller);
  }

  /** The call ended: no deadline any more. */
  forget(controller: AbortController): void {
    this.#watches.delete(controller);
  }

  #abandonLate(): void {
    const now = Date.now();
    for (const watch of this.#watches.values()) if (now >= watch.at) watch.abandon(true);
  }
}
