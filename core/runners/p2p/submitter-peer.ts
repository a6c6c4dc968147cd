import { generateKeyPair } from '@libp2p/crypto/keys';
import { Peer } from '../../../peers/peer.ts';

/**
 * A started peer that submits node calls and runs none (what `noob run --runner p2p` and a
 * coordinator's peer network use), joined through `bootstrap`, with a fresh identity: a
 * submitter keeps no reputation of its own worth a key file.
 */
export async function startSubmitterPeer(bootstrap: readonly string[]): Promise<Peer> {
  const peer = new Peer({
    privateKey: await generateKeyPair('Ed25519'),
    // WebSockets too: browser peers fetch the task blocks from this peer.
    listen: ['/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/tcp/0/ws'],
    bootstrap,
    executes: false,
  });
  await peer.start();
  return peer;
}
