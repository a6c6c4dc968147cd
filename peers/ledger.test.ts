import { generateKeyPair } from '@libp2p/crypto/keys';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Peer } from './peer.ts';
import { startTestPeer } from './test-peer.fixture.ts';

const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(stops.splice(0).map((stop) => stop()));
});

const cid = (i: number) => `bafkr${String(i).padStart(40, 'a')}`;

describe('ledger replication', () => {
  it('behavior: a peer gets what another wrote, and a change later travels as itself, not as the whole ledger', async () => {
    const a = await startTestPeer(stops, { ledgerSyncMs: 100 });
    const b = await startTestPeer(stops, { bootstrap: a.addresses, ledgerSyncMs: 100 });
    for (let i = 0; i < 300; i++) a.ledger.decided(cid(i), cid(i + 1000), [a.peerId, b.peerId]);
    await vi.waitFor(() => expect(Object.keys(b.ledger.document.verdicts)).toHaveLength(300), {
      timeout: 20_000,
      interval: 50,
    });
    const whole = JSON.stringify(a.ledger.document).length;
    // Sessions still under way when b got the last verdict are let finish first.
    const sent = () => a.ledger.sentBytes + b.ledger.sentBytes;
    let before = -1;
    await vi.waitFor(
      () => {
        const now = sent();
        const settled = now === before;
        before = now;
        expect(settled).toBe(true);
      },
      { timeout: 10_000, interval: 500 },
    );
    a.ledger.decided(cid(300), cid(1300), [a.peerId]);
    await vi.waitFor(() => expect(b.ledger.document.verdicts[cid(300)]).toBeDefined(), {
      timeout: 10_000,
      interval: 50,
    });
    const moved = a.ledger.sentBytes + b.ledger.sentBytes - before;
    expect(whole).toBeGreaterThan(50_000);
    expect(moved).toBeLessThan(whole / 20);
  }, 60_000);

  it('behavior: a peer that restarts with its key and an empty ledger is sent everything again', async () => {
    const a = await startTestPeer(stops, { ledgerSyncMs: 100 });
    const privateKey = await generateKeyPair('Ed25519');
    const options = { privateKey, bootstrap: a.addresses, ledgerSyncMs: 100 };
    let b: Peer = await startTestPeer(stops, options);
    a.ledger.decided(cid(1), cid(2), [a.peerId]);
    await vi.waitFor(() => expect(b.ledger.document.verdicts[cid(1)]).toBeDefined(), {
      timeout: 10_000,
    });
    await b.stop();
    // The same id to `a`, which synced with it at its present version already.
    b = await startTestPeer(stops, options);
    expect(b.ledger.document.verdicts[cid(1)]).toBeUndefined();
    await vi.waitFor(() => expect(b.ledger.document.verdicts[cid(1)]).toBeDefined(), {
      timeout: 10_000,
    });
  }, 60_000);
});
