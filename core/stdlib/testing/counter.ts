import { COPY } from '../../node/copy.ts';

/**
 * An endless integer iterator: `next()` returns `start`, `start + 1`, … and never finishes.
 * The twin of upstream's `noob.testing.assets.counter` (a hand-written generator so that it
 * can be deep-copied); `current` is the value the next call will return.
 */
export class Counter implements IterableIterator<number> {
  readonly start: number;
  #current: number;

  constructor(start = 0) {
    this.start = start;
    this.#current = start;
  }

  /** The value the next `next()` will return. */
  get current(): number {
    return this.#current;
  }

  next(): IteratorResult<number, never> {
    return { value: this.#current++, done: false };
  }

  /** A copy at the same position (a runner asset with `depends` stores one). */
  [COPY](): this {
    const copy = new (this.constructor as new (start: number) => this)(this.start);
    Object.assign(copy, this); // its other fields (a LifecycleCounter's counts)
    copy.#current = this.#current;
    return copy;
  }

  [Symbol.iterator](): this {
    return this;
  }
}

/**
 * A {@link Counter} that also records how many times its lifecycle was entered and exited
 * (see the `counter_cm` asset).
 */
export class LifecycleCounter extends Counter {
  /** Times the asset was created (entered). */
  entered = 0;
  /** Times the asset was disposed (exited). */
  exited = 0;
}

/**
 * Advances `iterator` `n` times and returns the last value, throwing if the iterator
 * finishes first (upstream's `next()` raises `StopIteration`).
 */
export function advance(node: string, iterator: Iterator<unknown>, n: number): unknown {
  let value: unknown;
  for (let step = 0; step < n; step++) {
    const result = iterator.next();
    if (result.done) {
      throw new RangeError(`${node}: the iterator finished after ${step} of ${n} steps`);
    }
    value = result.value;
  }
  return value;
}
