/**
 * A sticky wake-up for a loop that sleeps between rounds: `wake()` ends the current wait,
 * or, when it comes while the loop is busy (mid-claim, mid-look), the next one at once, so
 * no wake-up is lost. Each wait consumes the wake-ups before it.
 */
export class WakeUp {
  #resolve: (() => void) | undefined;
  #pending = false;

  /** End the current wait, or the next one if none is under way. */
  wake(): void {
    this.#pending = true;
    this.#resolve?.();
  }

  /**
   * Wait for a wake-up, or for `other` (a timer, a commit), whichever comes first; a
   * wake-up that came since the last wait ends this one at once.
   */
  async wait(other: Promise<unknown>): Promise<void> {
    const woken = this.#pending
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          this.#resolve = resolve;
        });
    try {
      await Promise.race([woken, other]);
    } finally {
      this.#resolve = undefined;
      this.#pending = false;
    }
  }

  /** Wait for a wake-up, or `ms` at most. */
  async sleep(ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await this.wait(
        new Promise((resolve) => {
          timer = setTimeout(resolve, Math.max(0, ms));
        }),
      );
    } finally {
      clearTimeout(timer);
    }
  }
}
