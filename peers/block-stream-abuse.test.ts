import * as dagCbor from '@ipld/dag-cbor';
import { lpStream } from '@libp2p/utils';
import { afterEach, describe, expect, it } from 'vitest';
import { BLOCK_PROTOCOL } from './block-exchange.ts';
import { MAX_BLOCK_BYTES } from './blocks.ts';
import { CallOutputs, fetchCallOutput } from './call-outputs.ts';
import type { Peer } from './peer.ts';
import { startTestPeer } from './test-peer.fixture.ts';

/** Real libp2p peers on loopback; one of the two breaks the block protocol's rules. */

const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(stops.splice(0).map((stop) => stop()));
});

async function pair(): Promise<{ holder: Peer; asker: Peer }> {
  const holder = await startTestPeer(stops);
  const asker = await startTestPeer(stops, { bootstrap: holder.addresses });
  return { holder, asker };
}

/** Sends `frame` raw on a fresh block stream from `asker` to `holder`; the frames answered. */
async function rawRequest(asker: Peer, holder: Peer, frame: unknown): Promise<unknown[]> {
  const stream = await asker.node.dialProtocol(holder.node.peerId, BLOCK_PROTOCOL, {
    signal: AbortSignal.timeout(10_000),
  });
  const lp = lpStream(stream, { maxDataLength: 2 * MAX_BLOCK_BYTES });
  await lp.write(dagCbor.encode(frame));
  const answers: unknown[] = [];
  try {
    for (let i = 0; i < 100; i++) answers.push(dagCbor.decode((await lp.read()).subarray()));
  } catch {
    // The holder closed or aborted the stream.
  }
  stream.abort(new Error('done'));
  return answers;
}

describe('block stream under abuse (real libp2p peers)', () => {
  it('error: an answer far larger than any block fails that fetch; the next fetch opens another stream', async () => {
    const { holder, asker } = await pair();
    holder.exchange.serve('huge/', () => new Uint8Array(MAX_BLOCK_BYTES + 64 * 1024));
    const signal = AbortSignal.timeout(20_000);
    await expect(
      asker.exchange.fetchNamed(holder.node.peerId, 'huge/x', signal),
    ).rejects.toMatchObject({ name: 'BlockError' });
    const cid = holder.blocks.put({ after: 'a'.repeat(20_000) });
    expect(await asker.exchange.fetch(holder.node.peerId, cid, signal)).toEqual({
      after: 'a'.repeat(20_000),
    });
  }, 40_000);

  it('error: a request of 10,000 names, or of more than 64, is refused whole, and the holder goes on serving', async () => {
    const { holder, asker } = await pair();
    const cid = holder.blocks.put({ kept: 'k'.repeat(20_000) });
    const many = Array.from({ length: 10_000 }, () => cid);
    expect(await rawRequest(asker, holder, { id: 1, names: many })).toEqual([]);
    expect(await rawRequest(asker, holder, { id: 2, names: many.slice(0, 65) })).toEqual([]);
    expect(await rawRequest(asker, holder, { id: 3, names: 'not a list' })).toEqual([]);
    // Another asker is served as before.
    const other = await startTestPeer(stops, { bootstrap: holder.addresses });
    expect(
      await other.exchange.fetch(holder.node.peerId, cid, AbortSignal.timeout(10_000)),
    ).toEqual({ kept: 'k'.repeat(20_000) });
  }, 40_000);

  it('behavior: names that look like paths, and the output of a call that never ran, are simply not there', async () => {
    const { holder, asker } = await pair();
    new CallOutputs().serveOn(holder);
    const signal = AbortSignal.timeout(10_000);
    const executor = holder.node.peerId.toString();
    for (const task of ['bafynever', '../../../etc/passwd', '', '..%2f..%2fetc']) {
      expect(await fetchCallOutput(asker, executor, task, signal)).toEqual([]);
    }
    for (const name of ['../etc/passwd', '/etc/passwd', 'output/../../x']) {
      expect(await asker.exchange.fetchNamed(holder.node.peerId, name, signal)).toBeUndefined();
    }
  }, 40_000);

  it('behavior: a holder whose stream never answers: the fetch is aborted, and once the holder answers again a fetch gets its block', async () => {
    const { holder, asker } = await pair();
    const cid = holder.blocks.put({ late: 'l'.repeat(20_000) });
    await holder.node.unhandle(BLOCK_PROTOCOL);
    // A holder that takes the stream and never writes on it.
    await holder.node.handle(BLOCK_PROTOCOL, () => {});
    await expect(
      asker.exchange.fetch(holder.node.peerId, cid, AbortSignal.timeout(500)),
    ).rejects.toMatchObject({ name: 'BlockError', message: expect.stringMatching(/aborted/) });
    // The holder is well again (its answering handler back).
    await holder.node.unhandle(BLOCK_PROTOCOL);
    await holder.exchange.start();
    expect(await asker.exchange.fetch(holder.node.peerId, cid, AbortSignal.timeout(5_000))).toEqual(
      { late: 'l'.repeat(20_000) },
    );
  }, 40_000);
});
