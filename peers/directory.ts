import type { PresenceMessage } from './messages.ts';

/** What a peer knows of another from its presence announcements. */
export interface KnownPeer {
  id: string;
  addrs: string[];
  tags: string[];
  /** Passed the determinism probe: may serve in quorum. */
  quorum: boolean;
  /** The account its rewards are paid to (checksummed), if it announced one. */
  payout?: string;
  /** When its last announcement arrived (ms). */
  seenAt: number;
  /** The gap between its last two announcements (ms; 0 until there are two). */
  interval: number;
}

/**
 * The peers able to run tasks, as this peer has heard of them: each announces itself every
 * few seconds, and one not heard of for `ttlMs`, or for 5 of its own intervals if they are
 * longer (peers need not announce as often as this one), is taken for gone. Views of
 * different peers may differ for a moment; the rendezvous order computed from them
 * differs only in the peers that came or went.
 */
export class PeerDirectory {
  readonly #ttlMs: number;
  readonly #peers = new Map<string, KnownPeer>();
  readonly #now: () => number;

  constructor(ttlMs: number, now: () => number = Date.now) {
    this.#ttlMs = ttlMs;
    this.#now = now;
  }

  /** Records an announcement. */
  seen(message: PresenceMessage): void {
    const now = this.#now();
    const before = this.#peers.get(message.peer);
    this.#peers.set(message.peer, {
      id: message.peer,
      addrs: message.addrs,
      tags: message.tags,
      quorum: message.quorum,
      ...(message.payout ? { payout: message.payout } : {}),
      seenAt: now,
      interval: before ? now - before.seenAt : 0,
    });
  }

  /** Forgets a peer (it said goodbye, or was found lying). */
  forget(id: string): void {
    this.#peers.delete(id);
  }

  /** Live peers that have every one of `tags` (and passed the probe, if `quorum`). */
  live(tags: readonly string[] = [], quorum = false): KnownPeer[] {
    const now = this.#now();
    const found: KnownPeer[] = [];
    for (const peer of this.#peers.values()) {
      if (peer.seenAt < now - Math.max(this.#ttlMs, 5 * peer.interval)) continue;
      if (quorum && !peer.quorum) continue;
      if (tags.every((tag) => peer.tags.includes(tag))) found.push(peer);
    }
    return found;
  }

  get(id: string): KnownPeer | undefined {
    return this.#peers.get(id);
  }
}
