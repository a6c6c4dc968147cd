import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import { identify } from '@libp2p/identify';
import { ping } from '@libp2p/ping';
import { webSockets } from '@libp2p/websockets';
import { createLibp2p } from 'libp2p';
import type { createPeerNode as nodeCreatePeerNode, PeerNode } from '../node.ts';
import { pubsubService, setValidators } from '../pubsub.ts';

/**
 * Set by the bundler (peers/browser/build.ts): whether this build may dial private and
 * loopback addresses. js-libp2p in a browser refuses them by default (a public page must
 * not probe its visitor's network); a page served by a peer on 127.0.0.1 must dial it.
 */
declare const NOOB_ALLOW_PRIVATE_DIALS: boolean;

/**
 * The browser's twin of peers/node.ts (the bundler puts it in that module's place): a
 * browser cannot listen nor speak TCP, and is no DHT server, so its node dials out over
 * WebSockets only, with the same encryption, muxer, identify, ping and gossipsub (same
 * topics, `StrictSign`, validator and scoring) as a Node peer.
 */
export const createPeerNode: typeof nodeCreatePeerNode = async (options) => {
  const node = await createLibp2p({
    privateKey: options.privateKey,
    addresses: { listen: [] },
    transports: [webSockets()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionGater: {
      ...(NOOB_ALLOW_PRIVATE_DIALS ? { denyDialMultiaddr: () => false } : {}),
      ...options.connectionGater,
    },
    services: { identify: identify(), ping: ping(), pubsub: pubsubService(options) },
  });
  setValidators(node.services.pubsub, options.validator);
  // No DHT service: nothing in a peer reaches for it, only the Node build serves one.
  return node as unknown as PeerNode;
};
