import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { P2PRunner } from '../../core/runners/p2p/runner.ts';
import { loadTube } from '../../core/tube/load.ts';
import type { Peer } from '../../peers/peer.ts';
import { startTestPeer } from '../../peers/test-peer.fixture.ts';
import { type PeerProcess, startPeerProcesses } from './peer-process.ts';

/** Executors replace each other without a coordinator: peers in separate processes. */
let peers: PeerProcess[] = [];
let client: Peer;
const stops: Array<() => Promise<void>> = [];
beforeAll(async () => {
  peers = await startPeerProcesses(3);
  client = await startTestPeer(stops, {
    bootstrap: peers.map((peer) => peer.tcp),
    executes: false,
  });
  // Every executor known first, so that the task has standbys.
  await vi.waitFor(() => expect(client.directory.live()).toHaveLength(3), {
    timeout: 20_000,
    interval: 100,
  });
}, 60_000);
afterAll(async () => {
  await Promise.all(stops.map((stop) => stop()));
  await Promise.all(peers.map((peer) => peer.stop()));
});

describe('executor takeover', () => {
  it('behavior: an executor killed mid-task is replaced by the next in rendezvous order and the run completes', async () => {
    const tube = await loadTube(join(import.meta.dirname, 'tubes', 'slow_double.yaml'));
    const runner = new P2PRunner(tube, { peer: client, deadlineMs: 1000 });
    const working = new Set<string>();
    const answered: string[] = [];
    let killed: string | undefined;
    client.on('working', (message) => {
      working.add(message.executor);
      if (killed) return;
      killed = message.executor;
      void peers.find((peer) => peer.peerId === killed)?.kill();
    });
    client.on('result', (message) => answered.push(message.executor));
    try {
      expect(await runner.process()).toBe(0);
    } finally {
      await runner.deinit();
    }
    expect(killed).toBeDefined();
    expect(answered.length).toBeGreaterThan(0);
    expect(answered).not.toContain(killed);
    // The one that answered had taken over: it said it was working too.
    expect(working.has(answered[0]!)).toBe(true);
  }, 60_000);
});
