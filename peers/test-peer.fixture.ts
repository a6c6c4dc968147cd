import { generateKeyPair } from '@libp2p/crypto/keys';
import { Peer, type PeerOptions } from './peer.ts';

/**
 * Starts an in-process peer for a test (fresh key, TCP on loopback, fast presence) and
 * records how to stop it in `stops`.
 */
export async function startTestPeer(
  stops: Array<() => Promise<void>>,
  options: Partial<PeerOptions> = {},
): Promise<Peer> {
  const peer = new Peer({
    privateKey: await generateKeyPair('Ed25519'),
    listen: ['/ip4/127.0.0.1/tcp/0'],
    presenceMs: 200,
    ...options,
  });
  stops.push(() => peer.stop());
  await peer.start();
  return peer;
}

/** A series' value in Prometheus text (a peer's `/metrics`), summed over its labels. */
export function seriesTotal(text: string, name: string): number {
  let total = 0;
  for (const match of text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\d+)`, 'gm')))
    total += Number(match[1]);
  return total;
}
