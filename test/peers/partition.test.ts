import { generateKeyPair } from '@libp2p/crypto/keys';
import type { ConnectionGater, PeerId } from '@libp2p/interface';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Peer } from '../../peers/peer.ts';
import { startTestPeer } from '../../peers/test-peer.fixture.ts';

/** The ledger on real libp2p nodes, cut in two by their connection gaters and healed. */
const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(stops.splice(0).map((stop) => stop()));
});

/** Which side of the cut each peer is on; no cut when empty. */
const sides = new Map<string, 'left' | 'right'>();
const gaterFor = (self: string): ConnectionGater => {
  const cut = (other: PeerId) => {
    const mine = sides.get(self);
    const theirs = sides.get(other.toString());
    return mine !== undefined && theirs !== undefined && mine !== theirs;
  };
  return {
    denyDialPeer: cut,
    denyInboundEncryptedConnection: cut,
    denyOutboundEncryptedConnection: cut,
  };
};

async function start(bootstrap: string[] = []): Promise<Peer> {
  const privateKey = await generateKeyPair('Ed25519');
  const self = peerIdFromPrivateKey(privateKey).toString();
  return startTestPeer(stops, {
    privateKey,
    bootstrap,
    ledgerSyncMs: 100,
    connectionGater: gaterFor(self),
  });
}

const verdict = (peer: Peer, task: string) => peer.ledger.document.verdicts[task];

describe('ledger', () => {
  it('behavior: ledgers written on both sides of a partition converge once it heals; no accepted result changes', async () => {
    const a = await start();
    const b = await start(a.addresses);
    const c = await start(a.addresses);
    const d = await start([...a.addresses, ...c.addresses]);
    const all = [a, b, c, d];
    await vi.waitFor(() => expect(d.connections()).toContain(c.peerId), { timeout: 10_000 });

    for (const peer of [a, b]) sides.set(peer.peerId, 'left');
    for (const peer of [c, d]) sides.set(peer.peerId, 'right');
    for (const peer of [a, b])
      for (const other of [c, d]) await peer.node.hangUp(other.node.peerId).catch(() => {});
    await vi.waitFor(() => expect(a.connections()).not.toContain(c.peerId), { timeout: 5000 });

    a.ledger.decided('task-left', 'bafy-left', [a.peerId, b.peerId]);
    c.ledger.decided('task-right', 'bafy-right', [c.peerId, d.peerId]);
    await vi.waitFor(
      () => {
        expect(verdict(b, 'task-left')).toBeDefined();
        expect(verdict(d, 'task-right')).toBeDefined();
      },
      { timeout: 10_000, interval: 50 },
    );
    // Nothing crossed the cut.
    expect(verdict(b, 'task-right')).toBeUndefined();
    expect(verdict(d, 'task-left')).toBeUndefined();
    const before = verdict(a, 'task-left');

    sides.clear();
    await vi.waitFor(
      () => {
        for (const peer of all) {
          expect(verdict(peer, 'task-left')).toEqual(before);
          expect(verdict(peer, 'task-right')?.[c.peerId]?.result).toBe('bafy-right');
        }
      },
      { timeout: 20_000, interval: 100 },
    );
    expect(verdict(a, 'task-left')).toEqual(before);
  }, 60_000);
});
