import { generateKeyPair } from '@libp2p/crypto/keys';
import { afterAll, beforeAll, expect, vi } from 'vitest';
import { P2PRunner } from '../../core/runners/p2p/runner.ts';
import { Peer } from '../../peers/peer.ts';
import { type PeerProcess, startPeerProcesses } from '../peers/peer-process.ts';
import { describeConformance } from './suite.ts';

/** The whole conformance suite on the p2p runner (trusted), with 3 `noob peer` processes. */
let peers: PeerProcess[] = [];
let client: Peer;
beforeAll(async () => {
  peers = await startPeerProcesses(3);
  client = new Peer({
    privateKey: await generateKeyPair('Ed25519'),
    listen: ['/ip4/127.0.0.1/tcp/0'],
    bootstrap: peers.map((peer) => peer.tcp),
    executes: false,
  });
  await client.start();
  await vi.waitFor(() => expect(client.directory.live()).toHaveLength(3), {
    timeout: 20_000,
    interval: 100,
  });
}, 60_000);
afterAll(async () => {
  await client?.stop();
  await Promise.all(peers.map((peer) => peer.stop()));
});

describeConformance(
  'p2p (3 peer processes, trusted)',
  (tube) => new P2PRunner(tube, { peer: client }),
  {
    nodesInProcess: false,
  },
);
