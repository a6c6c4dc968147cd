import { describe, expect, it } from 'vitest';
import { PeerDirectory } from './directory.ts';
import type { PresenceMessage } from './messages.ts';

const presence = (peer: string): PresenceMessage => ({
  v: 1,
  ts: 0,
  nonce: '00'.repeat(12),
  kind: 'presence',
  peer,
  addrs: [],
  tags: [],
  quorum: true,
});

describe('peer directory', () => {
  it('behavior: a peer that announces less often than this one stays live for 5 of its own intervals', () => {
    let now = 0;
    const directory = new PeerDirectory(1000, () => now);
    directory.seen(presence('slow'));
    now = 2000;
    directory.seen(presence('slow'));
    directory.seen(presence('fresh'));
    now = 3500;
    // Heard of together; the peer with no interval yet goes by this one's time to live.
    expect(directory.live().map((peer) => peer.id)).toEqual(['slow']);
    now = 11_500;
    expect(directory.live().map((peer) => peer.id)).toEqual(['slow']);
    now = 12_500;
    expect(directory.live()).toEqual([]);
  });

  it('behavior: a peer silent past the time to live is gone', () => {
    let now = 0;
    const directory = new PeerDirectory(1000, () => now);
    directory.seen(presence('a'));
    now = 900;
    expect(directory.live()).toHaveLength(1);
    now = 1100;
    expect(directory.live()).toHaveLength(0);
  });

  it("behavior: a peer's payout address is the one its latest presence announced (none if it stopped announcing one)", () => {
    const directory = new PeerDirectory(1000, () => 0);
    const payout = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
    directory.seen({ ...presence('paid'), payout });
    expect(directory.get('paid')?.payout).toBe(payout);
    directory.seen(presence('paid'));
    expect(directory.get('paid')?.payout).toBeUndefined();
  });
});
