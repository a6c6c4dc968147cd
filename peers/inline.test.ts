import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { P2PRunner } from '../core/runners/p2p/runner.ts';
import { loadTube } from '../core/tube/load.ts';
import { TaskExecutor } from '../functions/worker/executor.ts';
import { BLOCK_PROTOCOL } from './block-exchange.ts';
import { BlockStore } from './blocks.ts';
import { toBase64 } from './bytes.ts';
import { TaskWorker } from './task-worker.ts';
import { startTestPeer } from './test-peer.fixture.ts';

const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(stops.splice(0).map((stop) => stop()));
});

/** Small inputs and results ride in the messages: no peer needs to fetch a block. */
describe('blocks inline', () => {
  it('error: an inline block that does not hash to its CID, or is not base64, is not kept', () => {
    const sender = new BlockStore();
    const cid = sender.put({ inputs: [1, 2, 3] });
    const other = sender.put({ inputs: [4] });
    const receiver = new BlockStore();
    expect(receiver.keepInline(cid, sender.inline(other))).toBe(false);
    expect(receiver.keepInline(cid, 'not base64!')).toBe(false);
    expect(receiver.get(cid)).toBeUndefined();
    expect(receiver.keepInline(cid, sender.inline(cid))).toBe(true);
    expect(receiver.get(cid)).toEqual({ inputs: [1, 2, 3] });
    expect(sender.inline(sender.put({ big: new Uint8Array(9000) }))).toBeUndefined();
    expect(toBase64(receiver.bytes(cid)!)).toBe(sender.inline(cid));
  });

  it('behavior: a block too large to ride along is fetched by CID; one the peer lacks is a BlockError', async () => {
    const owner = await startTestPeer(stops);
    const asker = await startTestPeer(stops, { bootstrap: owner.addresses });
    const big = { inputs: 'x'.repeat(20_000) };
    const cid = owner.blocks.put(big);
    expect(owner.blocks.inline(cid)).toBeUndefined();
    const signal = AbortSignal.timeout(10_000);
    expect(await asker.exchange.fetch(owner.node.peerId, cid, signal)).toEqual(big);
    const missing = new BlockStore().put({ nowhere: true });
    await expect(asker.exchange.fetch(owner.node.peerId, missing, signal)).rejects.toMatchObject({
      name: 'BlockError',
    });
  });

  for (const verification of [{ mode: 'trusted' }, { mode: 'quorum', k: 3, q: 2 }] as const) {
    it(`behavior: a ${verification.mode} run on small data needs no block fetch (no peer serves blocks)`, async () => {
      const first = await startTestPeer(stops);
      const peers = [
        first,
        await startTestPeer(stops, { bootstrap: first.addresses }),
        await startTestPeer(stops, { bootstrap: first.addresses }),
      ];
      for (const peer of peers) {
        const worker = new TaskWorker({ peer, executor: new TaskExecutor() });
        await worker.start();
        stops.push(async () => worker.stop());
      }
      const client = await startTestPeer(stops, { bootstrap: first.addresses, executes: false });
      for (const peer of [...peers, client]) await peer.node.unhandle(BLOCK_PROTOCOL);
      await vi.waitFor(() => expect(client.directory.live([], true)).toHaveLength(3), {
        timeout: 10_000,
        interval: 50,
      });
      const tube = await loadTube(
        join(import.meta.dirname, '..', 'test', 'peers', 'tubes', 'square.yaml'),
      );
      const runner = new P2PRunner(tube, { peer: client, verification, deadlineMs: 3000 });
      try {
        expect(await runner.run(4)).toEqual([0, 1, 4, 9]);
      } finally {
        await runner.deinit();
      }
    }, 60_000);
  }
});
