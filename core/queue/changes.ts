import type { QueueDriver } from './backend.ts';

/**
 * How often a waiter on announced commits looks anyway (ms): a safety net should an
 * announcement be missed, not a poll.
 */
export const RESCAN_MS = 1_000;

/**
 * Waiting for a queue's database to change: a version number that grows with every commit
 * the driver announces (see {@link QueueDriver.onCommit}), and a wait for it to grow.
 * Read the version before looking at the queue, then wait "since" it: a commit that lands
 * between the look and the wait is not missed. When the driver cannot announce commits
 * (a remote server), {@link live} is false and waits are plain timers: poll.
 */
export class QueueChanges {
  readonly #waiters = new Set<() => void>();
  readonly #unsubscribe: (() => void) | undefined;
  #version = 0;

  constructor(driver: QueueDriver) {
    this.#unsubscribe = driver.onCommit?.(() => this.#announce());
  }

  /**
   * This process committed something waiters may be waiting for (a submission, a
   * result): where the driver cannot announce commits, wake them now instead of at their
   * next poll. Others' commits are still only found by polling; where commits are
   * announced, this one was already.
   */
  nudge(): void {
    if (!this.live) this.#announce();
  }

  #announce(): void {
    this.#version++;
    for (const wake of this.#waiters) wake();
    this.#waiters.clear();
  }

  /** Whether commits are announced (else a wait only ends by its timer or signal). */
  get live(): boolean {
    return this.#unsubscribe !== undefined;
  }

  /** Grows with each announced commit. */
  get version(): number {
    return this.#version;
  }

  /**
   * Resolves once the version is past `since`, after `ms`, or when `signal` aborts,
   * whichever comes first (at once if the version is already past `since`).
   */
  wait(since: number, ms: number, signal?: AbortSignal): Promise<void> {
    if (this.#version > since || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.#waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      signal?.addEventListener('abort', done, { once: true });
      this.#waiters.add(done);
    });
  }

  /**
   * Resolves once `check` holds, checking again after each commit (and every `everyMs`
   * regardless, default 100: a poll where commits are not announced).
   */
  async until(check: () => boolean | Promise<boolean>, everyMs = 100): Promise<void> {
    for (;;) {
      const version = this.#version;
      if (await check()) return;
      await this.wait(version, everyMs);
    }
  }

  /** Stops listening; pending waits end. */
  close(): void {
    this.#unsubscribe?.();
    for (const wake of [...this.#waiters]) wake();
  }
}
