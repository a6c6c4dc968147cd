import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import type { GossipSub, TopicValidatorFn } from '@libp2p/gossipsub';
import { type Identify, identify } from '@libp2p/identify';
import type { ConnectionGater, Libp2p, PrivateKey } from '@libp2p/interface';
import { type KadDHT, kadDHT, passthroughMapper } from '@libp2p/kad-dht';
import { type Ping, ping } from '@libp2p/ping';
import { tcp } from '@libp2p/tcp';
import { webSockets } from '@libp2p/websockets';
import { createLibp2p } from 'libp2p';
import type { PeerMetrics } from './metrics.ts';
import { pubsubService, setValidators } from './pubsub.ts';

/** The DHT protocol of noob's network (its own, so noob peers do not fill IPFS tables). */
export const DHT_PROTOCOL = '/noob/kad/1.0.0';

/** The services every noob libp2p node runs. */
export type PeerServices = {
  identify: Identify;
  ping: Ping;
  dht: KadDHT;
  pubsub: GossipSub;
};

/** A noob libp2p node. */
export type PeerNode = Libp2p<PeerServices>;

/** How the libp2p node is built. */
export interface PeerNodeOptions {
  privateKey: PrivateKey;
  /** Multiaddrs to listen on (`/ip4/127.0.0.1/tcp/0`, `/ip4/127.0.0.1/tcp/0/ws`). */
  listen: readonly string[];
  metrics: PeerMetrics;
  /** The topic validator for every noob topic. */
  validator: TopicValidatorFn;
  /** Application score of a peer (P5): its reputation from what it did on the network. */
  appScore: (peerId: string) => number;
  /** Decides which connections may be made (tests cut the network with it). */
  connectionGater?: ConnectionGater;
}

/**
 * Builds (without starting) the libp2p node: TCP and WebSockets, Noise, Yamux, identify,
 * ping, a Kademlia DHT kept in server mode with private addresses (peers on one host or
 * one LAN must find each other), and gossipsub with `StrictSign`, the validator on every
 * topic and peer scoring.
 */
export async function createPeerNode(options: PeerNodeOptions): Promise<PeerNode> {
  const node = await createLibp2p({
    privateKey: options.privateKey,
    addresses: { listen: [...options.listen] },
    transports: [tcp(), webSockets()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    ...(options.connectionGater ? { connectionGater: options.connectionGater } : {}),
    services: {
      identify: identify(),
      ping: ping(),
      dht: kadDHT({
        protocol: DHT_PROTOCOL,
        clientMode: false,
        peerInfoMapper: passthroughMapper,
      }),
      pubsub: pubsubService(options),
    },
  });
  setValidators(node.services.pubsub, options.validator);
  return node;
}
