import { setImmediate as yieldToIo } from 'node:timers/promises';

/** One call waiting for its turn. */
interface Turn {
  start(): void;
}

/**
 * The order in which a worker starts calls, whichever request brought them: one at a
 * time, first come first served, with a turn of the event loop between two starts so
 * new requests get in. Calls of stateful instances (a source, a class) go before the
 * others: a cheap source must not wait behind a batch of long calls, since every later
 * epoch waits for it. Run in arrival order, the first batch finishes first and its
 * results go back while the worker runs the next one; interleaved, all would finish
 * together and the worker would then wait idle for more.
 *
 * A sync node runs to its end before the next call starts; an async one is started and
 * the next call starts while it waits.
 */
export class RunQueue {
  readonly #urgent: Turn[] = [];
  readonly #normal: Turn[] = [];
  #pumping = false;

  /** Runs `call` in its turn; resolves or rejects with it. */
  run<T>(call: () => Promise<T>, urgent: boolean): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      (urgent ? this.#urgent : this.#normal).push({
        start: () => call().then(resolve, reject),
      });
      if (!this.#pumping) void this.#pump();
    });
  }

  async #pump(): Promise<void> {
    this.#pumping = true;
    try {
      for (;;) {
        const turn = this.#urgent.shift() ?? this.#normal.shift();
        if (!turn) return;
        turn.start();
        await yieldToIo();
      }
    } finally {
      this.#pumping = false;
    }
  }
}
