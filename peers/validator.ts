import { type Message, TopicValidatorResult } from '@libp2p/gossipsub';
import type { PeerId } from '@libp2p/interface';
import { decodeMessage, MAX_MESSAGE_BYTES, speaker, TOPIC_OF } from './messages.ts';
import type { PeerMetrics } from './metrics.ts';
import { ReplayGuard } from './replay-guard.ts';

/** Why a message was refused (the `reason` label of `noob_peer_messages_rejected_total`). */
export type RejectReason = 'oversized' | 'unsigned' | 'malformed' | 'stale' | 'replayed' | 'forged';

/** What the validator needs. */
export interface ValidatorOptions {
  metrics: PeerMetrics;
  /** How far a message's time may be from ours, either way (ms). */
  freshnessMs: number;
  /** Told of every refused message, with its signer (when signed) for the peer's reputation. */
  onReject?: (reason: RejectReason, signer: string | undefined) => void;
  now?: () => number;
}

/**
 * The gossipsub topic validator of every noob topic: refuses messages that are too large,
 * unsigned, not one of the schemas (or on the wrong topic), too old or too far in the
 * future, replayed, or that speak for a peer other than their signer. A refusal is a
 * `Reject`, so gossipsub does not forward it and lowers the sender's score (P4); each is
 * counted by reason.
 */
export function createValidator(options: ValidatorOptions) {
  const rejected = options.metrics.gauge({
    name: 'noob_peer_messages_rejected_total',
    help: 'Messages refused by the topic validators, by reason',
  });
  const accepted = options.metrics.gauge({
    name: 'noob_peer_messages_accepted_total',
    help: 'Messages accepted by the topic validators, by topic',
  });
  const replays = new ReplayGuard(options.freshnessMs);
  const now = options.now ?? Date.now;

  const reject = (reason: RejectReason, signer: string | undefined) => {
    rejected.inc({ reason });
    options.onReject?.(reason, signer);
    return TopicValidatorResult.Reject;
  };

  return (_source: PeerId, message: Message): TopicValidatorResult => {
    if (message.data.byteLength > MAX_MESSAGE_BYTES) return reject('oversized', signerOf(message));
    if (message.type !== 'signed') return reject('unsigned', undefined);
    const signer = message.from.toString();
    const decoded = decodeMessage(message.data);
    if (!decoded) return reject('malformed', signer);
    if (TOPIC_OF[decoded.kind] !== message.topic) return reject('malformed', signer);
    if (speaker(decoded) !== signer) return reject('forged', signer);
    const time = now();
    if (Math.abs(time - decoded.ts) > options.freshnessMs) return reject('stale', signer);
    if (!replays.admit(signer, decoded.nonce, time)) return reject('replayed', signer);
    accepted.inc({ topic: message.topic });
    return TopicValidatorResult.Accept;
  };
}

function signerOf(message: Message): string | undefined {
  return message.type === 'signed' ? message.from.toString() : undefined;
}
