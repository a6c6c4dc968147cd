/**
 * Remembers (signer, nonce) pairs for as long as their messages count as fresh, so that a
 * message republished later (with a new gossipsub sequence number, which the router's own
 * duplicate check would let through) is recognised. Older pairs need no memory: their
 * messages are refused as stale anyway.
 */
export class ReplayGuard {
  readonly #windowMs: number;
  readonly #seen = new Map<string, number>();
  #nextSweep = 0;

  constructor(windowMs: number) {
    this.#windowMs = windowMs;
  }

  /** Records the pair; false when it was seen within the window (a replay). */
  admit(signer: string, nonce: string, now: number): boolean {
    if (now >= this.#nextSweep) this.#sweep(now);
    const key = `${signer}/${nonce}`;
    const expires = this.#seen.get(key);
    if (expires !== undefined && expires > now) return false;
    // Kept twice the window: a message can be up to a window old or a window early.
    this.#seen.set(key, now + 2 * this.#windowMs);
    return true;
  }

  /** Pairs remembered now. */
  get size(): number {
    return this.#seen.size;
  }

  #sweep(now: number): void {
    for (const [key, expires] of this.#seen) if (expires <= now) this.#seen.delete(key);
    this.#nextSweep = now + this.#windowMs;
  }
}
