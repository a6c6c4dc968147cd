import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import { type GossipSub, gossipsub, StrictSign, type TopicValidatorFn } from '@libp2p/gossipsub';
import { createPeerScoreParams, createTopicScoreParams } from '@libp2p/gossipsub/score';
import { type Identify, identify } from '@libp2p/identify';
import type { ConnectionGater, Libp2p, PrivateKey } from '@libp2p/interface';
import { type KadDHT, kadDHT, passthroughMapper } from '@libp2p/kad-dht';
import { type Ping, ping } from '@libp2p/ping';
import { tcp } from '@libp2p/tcp';
import { webSockets } from '@libp2p/websockets';
import { createLibp2p } from 'libp2p';
import { TOPICS } from './messages.ts';
import type { PeerMetrics } from './metrics.ts';

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
      pubsub: gossipsub({
        globalSignaturePolicy: StrictSign,
        allowPublishToZeroTopicPeers: true,
        emitSelf: false,
        allowedTopics: [...TOPICS],
        metricsRegister: options.metrics,
        metricsTopicStrToLabel: new Map(TOPICS.map((topic) => [topic, topic])),
        scoreParams: scoreParams(options.appScore),
      }),
    },
  });
  for (const topic of TOPICS) node.services.pubsub.topicValidators.set(topic, options.validator);
  return node;
}

/**
 * Peer scoring: invalid messages (P4) weigh heavily on every topic, the application score
 * (P5) carries the peer's reputation, and IP colocation (P6) is off, since honest peers
 * often share a host (tests, a machine running several) or a NAT.
 */
function scoreParams(appScore: (peerId: string) => number) {
  const topic = createTopicScoreParams({
    topicWeight: 1,
    timeInMeshWeight: 0,
    firstMessageDeliveriesWeight: 0,
    meshMessageDeliveriesWeight: 0,
    meshFailurePenaltyWeight: 0,
    invalidMessageDeliveriesWeight: -10,
    invalidMessageDeliveriesDecay: 0.9,
  });
  return createPeerScoreParams({
    topics: Object.fromEntries(TOPICS.map((name) => [name, topic])),
    appSpecificScore: appScore,
    appSpecificWeight: 1,
    IPColocationFactorWeight: 0,
  });
}
