import type { PendingCall } from './worker-link.ts';

/** What the queue needs of a worker: whether its breaker lets calls through. */
interface Taker {
  readonly breaker: { allows(): boolean };
}

/** A call not yet bound to a worker, and the workers it has been sent to so far. */
interface SharedCall<T extends Taker> {
  readonly call: PendingCall;
  readonly tried: Set<T>;
}

/**
 * Calls of the `least-loaded` strategy, not yet bound to a worker: a worker takes a share
 * whenever it has room to send, so a worker that finishes early takes more, and the last
 * calls of a run spread over every worker instead of waiting in the queue of one that was
 * chosen when they became ready. A share is what is waiting divided by the room of every
 * worker (guided self-scheduling), so shares are large while much waits, which keeps
 * requests few, and shrink as the queue drains, which keeps the tail short.
 */
export class SharedCallQueue<T extends Taker> {
  readonly #waiting: SharedCall<T>[] = [];
  readonly #workers: readonly T[];
  readonly #slots: number;
  readonly #wake: () => void;
  #wakeScheduled = false;

  /**
   * @param workers every worker that may take calls
   * @param slotsPerWorker requests a worker keeps in flight (the room a share is cut for)
   * @param wake asks every worker with room to take a share (called once per turn of the
   *   event loop in which calls arrived)
   */
  constructor(workers: readonly T[], slotsPerWorker: number, wake: () => void) {
    this.#workers = workers;
    this.#slots = Math.max(1, workers.length * slotsPerWorker);
    this.#wake = wake;
  }

  /** Calls waiting for a worker. */
  get size(): number {
    return this.#waiting.length;
  }

  /** Adds a call; `tried` gets the worker that takes it (a retry then goes elsewhere). */
  push(call: PendingCall, tried: Set<T>): void {
    this.#waiting.push({ call, tried });
    if (this.#wakeScheduled) return;
    this.#wakeScheduled = true;
    queueMicrotask(() => {
      this.#wakeScheduled = false;
      this.#wake();
    });
  }

  /** Takes `worker`'s share (at most `max` calls), skipping calls it has already failed. */
  take(worker: T, max: number): PendingCall[] {
    const share = Math.min(max, Math.ceil(this.#waiting.length / this.#slots));
    const taken: PendingCall[] = [];
    for (let i = 0; i < this.#waiting.length && taken.length < share; ) {
      const entry = this.#waiting[i]!;
      if (entry.tried.has(worker)) {
        i++;
        continue;
      }
      this.#waiting.splice(i, 1);
      entry.tried.add(worker);
      taken.push(entry.call);
    }
    return taken;
  }

  /**
   * After a worker failed: when no worker lets calls through any more, nobody would take
   * the waiting calls, so each is handed back as a fault (its pool then fails it with
   * the reason, or sends it to a worker that recovered).
   */
  releaseIfStuck(fault: unknown): void {
    if (this.#waiting.length === 0 || this.#workers.some((w) => w.breaker.allows())) return;
    for (const entry of this.#waiting.splice(0)) entry.call.fault(fault);
  }
}
