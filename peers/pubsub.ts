import { gossipsub, StrictSign, type TopicValidatorFn } from '@libp2p/gossipsub';
import { createPeerScoreParams, createTopicScoreParams } from '@libp2p/gossipsub/score';
import { TOPICS } from './messages.ts';
import type { PeerMetrics } from './metrics.ts';

/** What the gossipsub service of a noob node needs. */
export interface PubsubOptions {
  metrics: PeerMetrics;
  /** Application score of a peer (P5): its reputation from what it did on the network. */
  appScore: (peerId: string) => number;
}

/**
 * Gossipsub as every noob node runs it, in Node and in a browser alike: `StrictSign`, only
 * noob's topics, metrics into the peer's registry, and peer scoring. The topic validator
 * is set once the node exists ({@link setValidators}).
 */
export function pubsubService(options: PubsubOptions) {
  return gossipsub({
    globalSignaturePolicy: StrictSign,
    allowPublishToZeroTopicPeers: true,
    emitSelf: false,
    allowedTopics: [...TOPICS],
    metricsRegister: options.metrics,
    metricsTopicStrToLabel: new Map(TOPICS.map((topic) => [topic, topic])),
    scoreParams: scoreParams(options.appScore),
    // Copies of one message arrive from several mesh peers; without a fast id each copy's
    // signature is checked before it is found to be a duplicate (most of a busy peer's
    // CPU). The signature names the message: a copy is dropped unchecked only once a
    // message with that signature passed the check, so a tampered copy gains nothing. Its
    // bytes as a string of char codes: it runs on every copy, and hex cost a loop of
    // string appends per byte.
    fastMsgIdFn: (message) => (message.signature ? String.fromCharCode(...message.signature) : ''),
  });
}

/** Puts `validator` on every noob topic of a node's gossipsub. */
export function setValidators(
  pubsub: { topicValidators: Map<string, TopicValidatorFn> },
  validator: TopicValidatorFn,
): void {
  for (const topic of TOPICS) pubsub.topicValidators.set(topic, validator);
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
