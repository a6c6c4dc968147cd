/** Units of work between two looks at the clock. */
const CHECK_EVERY = 256;
/** Longest a runner keeps the event loop before letting other work in. */
const SLICE_MS = 10;

/**
 * Lets a runner yield to the event loop in long synchronous stretches (a map of 100,000
 * items whose calls all finish synchronously never awaits anything otherwise). A host
 * (an API server, a coordinator) then stays responsive and an abort is seen. Cheap on
 * the hot path: a counter per unit of work, the clock every {@link CHECK_EVERY}.
 */
export class Breather {
  #work = 0;
  /** When the slice began; read at the first check, so a short run never reads the clock. */
  #since = -1;

  /** Counts one unit of work; gives a promise to await when the slice is used up. */
  tick(): Promise<void> | undefined {
    if (++this.#work < CHECK_EVERY) return undefined;
    this.#work = 0;
    const now = performance.now();
    if (this.#since < 0) this.#since = now;
    if (now - this.#since < SLICE_MS) return undefined;
    return new Promise((resolve) =>
      setImmediate(() => {
        this.#since = performance.now();
        resolve();
      }),
    );
  }
}
