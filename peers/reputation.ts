import type { PeerMetrics, Series } from './metrics.ts';

/** How much each kind of misbehaviour costs a peer's reputation. */
export const PENALTIES = {
  /** A message refused by the validators (malformed, stale, replayed, oversized). */
  invalid: 1,
  /** A message speaking for another peer. */
  forged: 5,
  /** A result that lost a quorum, a reveal that did not open its commitment, a copied reveal. */
  wrong: 10,
} as const;

/**
 * What this peer thinks of others, from what they did: a score that starts at 0 and only
 * falls. It is gossipsub's application score (P5), so a peer that misbehaves toward this
 * one is grafted less, then pruned and graylisted; the submitter also skips such peers
 * when choosing executors.
 */
export class Reputation {
  readonly #scores = new Map<string, number>();
  readonly #series: Series;

  constructor(metrics: PeerMetrics) {
    this.#series = metrics.gauge({
      name: 'noob_peer_reputation',
      help: "Other peers' reputation as this peer sees it (0 = nothing against them)",
    });
  }

  /** Lowers `peer`'s score by the penalty for `what`. */
  penalize(peer: string, what: keyof typeof PENALTIES): void {
    const score = this.score(peer) - PENALTIES[what];
    this.#scores.set(peer, score);
    this.#series.set({ peer }, score);
  }

  score(peer: string): number {
    return this.#scores.get(peer) ?? 0;
  }

  /** Whether the peer is still trusted with work (fell below `floor`: no). */
  trusted(peer: string, floor = -20): boolean {
    return this.score(peer) > floor;
  }
}
