import { afterEach, describe, expect, it } from 'vitest';
import type { Peer } from './peer.ts';
import { seriesTotal, startTestPeer } from './test-peer.fixture.ts';

const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(stops.splice(0).map((stop) => stop()));
});

/** A series of a peer's metrics (labels summed). */
function metric(peer: Peer, name: string): number {
  return seriesTotal(peer.metrics.render(), name);
}

describe('block exchange', () => {
  it('behavior: blocks asked for in one turn go as one request on one stream, which is opened again once it died', async () => {
    const owner = await startTestPeer(stops);
    const asker = await startTestPeer(stops, { bootstrap: owner.addresses });
    const values = Array.from({ length: 10 }, (_, i) => ({ i, text: 'x'.repeat(20_000 + i) }));
    const cids = values.map((value) => owner.blocks.put(value));
    const signal = AbortSignal.timeout(10_000);
    const fetched = await Promise.all(
      cids.map((cid) => asker.exchange.fetch(owner.node.peerId, cid, signal)),
    );
    expect(fetched).toEqual(values);
    expect(metric(asker, 'noob_peer_block_requests_total')).toBe(1);
    expect(metric(asker, 'noob_peer_block_streams_opened_total')).toBe(1);
    expect(metric(owner, 'noob_peer_block_streams_opened_total')).toBe(1);

    // Later fetches reuse the stream.
    const more = owner.blocks.put({ more: 'y'.repeat(30_000) });
    expect(await asker.exchange.fetch(owner.node.peerId, more, signal)).toEqual({
      more: 'y'.repeat(30_000),
    });
    expect(metric(asker, 'noob_peer_block_streams_opened_total')).toBe(1);

    // The connection goes (and the stream with it): the next fetch opens another.
    await asker.node.hangUp(owner.node.peerId);
    const after = owner.blocks.put({ after: 'z'.repeat(30_000) });
    expect(await asker.exchange.fetch(owner.node.peerId, after, signal)).toEqual({
      after: 'z'.repeat(30_000),
    });
    expect(metric(asker, 'noob_peer_block_streams_opened_total')).toBe(2);
    expect(metric(asker, 'noob_peer_blocks_fetched_total')).toBe(12);
  }, 30_000);

  it('error: bytes that do not hash to the CID asked for are refused, and not kept', async () => {
    const owner = await startTestPeer(stops);
    const asker = await startTestPeer(stops, { bootstrap: owner.addresses });
    const cid = owner.blocks.put({ honest: 'h'.repeat(20_000) });
    // A holder that answers every name with the same other bytes.
    owner.exchange.serve('', () => new Uint8Array(20_000).fill(7));
    await expect(
      asker.exchange.fetch(owner.node.peerId, cid, AbortSignal.timeout(10_000)),
    ).rejects.toMatchObject({ name: 'BlockError', message: expect.stringMatching(/do not hash/) });
    expect(asker.blocks.get(cid)).toBeUndefined();
  }, 30_000);

  it('error: a fetch whose signal aborts stops waiting with a BlockError', async () => {
    const owner = await startTestPeer(stops);
    const asker = await startTestPeer(stops, { bootstrap: owner.addresses });
    const controller = new AbortController();
    const cid = owner.blocks.put({ slow: 's'.repeat(20_000) });
    const fetching = asker.exchange.fetch(owner.node.peerId, cid, controller.signal);
    controller.abort();
    await expect(fetching).rejects.toMatchObject({ name: 'BlockError' });
  }, 30_000);
});
