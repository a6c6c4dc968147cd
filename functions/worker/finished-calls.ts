import type { Completion } from '../../core/queue/complete.ts';

/** Results reported in one transaction at most (a larger batch waits for the next). */
export const MAX_REPORT = 512;

/**
 * A queue worker's finished calls whose results (and output) are not reported yet. They
 * go in batches: at once when nothing else waits to start, or a full batch, or within
 * `delayMs` of the oldest finishing; a batch the queue did not record is given back.
 */
export class FinishedCalls {
  readonly #delayMs: number;
  readonly #calls: Completion[] = [];
  #oldestAt = 0;
  #reported = 0;

  /** Report a finished call at most `delayMs` after it finished. */
  constructor(delayMs: number) {
    this.#delayMs = delayMs;
  }

  /** How many wait to be reported. */
  get size(): number {
    return this.#calls.length;
  }

  /** Whether they make a full batch (report now). */
  get full(): boolean {
    return this.#calls.length >= MAX_REPORT;
  }

  /** Results reported that the queue accepted. */
  get reported(): number {
    return this.#reported;
  }

  /** When the oldest one must be reported (ms since the epoch; Infinity when none waits). */
  get dueAt(): number {
    return this.#calls.length > 0 ? this.#oldestAt + this.#delayMs : Number.POSITIVE_INFINITY;
  }

  /** Their tasks (whose leases they still hold). */
  taskIds(): number[] {
    return this.#calls.map((call) => call.taskId);
  }

  add(call: Completion): void {
    if (this.#calls.length === 0) this.#oldestAt = Date.now();
    this.#calls.push(call);
  }

  /** Whether to report now: nothing else waits to start, a full batch, or the delay is up. */
  due(othersWaiting: boolean): boolean {
    if (this.#calls.length === 0) return false;
    return !othersWaiting || this.full || Date.now() >= this.dueAt;
  }

  /** The next batch to report, and how to give it back if the report fails. */
  take(): { batch: Completion[]; giveBack(): void } {
    const batch = this.#calls.splice(0, MAX_REPORT);
    const oldest = this.#oldestAt;
    if (this.#calls.length > 0) this.#oldestAt = Date.now();
    return {
      batch,
      giveBack: () => {
        this.#calls.unshift(...batch);
        if (batch.length > 0) this.#oldestAt = oldest;
      },
    };
  }

  /** Count what the queue accepted of a batch. */
  count(accepted: readonly boolean[]): void {
    for (const ok of accepted) if (ok) this.#reported++;
  }
}
