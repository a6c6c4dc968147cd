/** A call counted as running until `end()`; `id` is its task's id, or a promise of it. */
export interface HeldCall {
  /** The task's id, or a promise of it that resolves to undefined if it is never stored. */
  readonly id: number | Promise<number | undefined>;
  end(): void;
}

/**
 * The calls a queue worker is running, by task id, and those handed over before their
 * tasks were stored (no id yet, see core/queue/handoff.ts). Heartbeats keep the leases of
 * the stored ones, and a cancelled or lost task's call is found here to be aborted.
 */
export class RunningCalls {
  readonly #running = new Map<number, AbortController>();
  readonly #unstored = new Set<AbortController>();

  /** How many calls are running, stored or not. */
  get size(): number {
    return this.#running.size + this.#unstored.size;
  }

  /** The ids of the running calls' tasks (the stored ones). */
  ids(): number[] {
    return [...this.#running.keys()];
  }

  /** The controller of the call running task `id`. */
  get(id: number): AbortController | undefined {
    return this.#running.get(id);
  }

  /**
   * Count a starting call as running until `end()`. A promised id that rejects (the task
   * was never stored) aborts the call, which still counts until it ends.
   */
  hold(controller: AbortController, taskId: number | Promise<number>): HeldCall {
    if (typeof taskId === 'number') {
      this.#running.set(taskId, controller);
      return { id: taskId, end: () => this.#running.delete(taskId) };
    }
    this.#unstored.add(controller);
    let ended = false;
    let stored: number | undefined;
    const id = taskId.then(
      (value) => {
        this.#unstored.delete(controller);
        stored = value;
        // A call that already ended holds no lease any more.
        if (!ended) this.#running.set(value, controller);
        return value;
      },
      (error: unknown) => {
        controller.abort(error);
        return undefined;
      },
    );
    return {
      id,
      end: () => {
        ended = true;
        this.#unstored.delete(controller);
        if (stored !== undefined) this.#running.delete(stored);
      },
    };
  }
}
