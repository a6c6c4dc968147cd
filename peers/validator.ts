import { type Message, TopicValidatorResult } from '@libp2p/gossipsub';
import type { PeerId } from '@libp2p/interface';
import { decodeMessages } from './batch.ts';
import { MAX_MESSAGE_BYTES, speaker, TOPIC_OF } from './messages.ts';
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
 * The gossipsub topic validator of every noob topic: refuses messages (alone or in a
 * batch) that are too large, unsigned, not one of the schemas (or on the wrong topic), too
 * old or too far in the future, replayed, or that speak for a peer other than their signer. A refusal is a
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
    const decoded = decodeMessages(message.data);
    if (!decoded) return reject('malformed', signer);
    // A batch is refused whole if any of its messages would be refused alone.
    if (decoded.some((one) => TOPIC_OF[one.kind] !== message.topic))
      return reject('malformed', signer);
    if (decoded.some((one) => speaker(one) !== signer)) return reject('forged', signer);
    // One envelope for the whole batch.
    const { ts, nonce } = decoded[0]!;
    const time = now();
    if (Math.abs(time - ts) > options.freshnessMs) return reject('stale', signer);
    if (!replays.admit(signer, nonce, time)) return reject('replayed', signer);
    accepted.inc({ topic: message.topic });
    return TopicValidatorResult.Accept;
  };
}

function signerOf(message: Message): string | undefined {
  return message.type === 'signed' ? message.from.toString() : undefined;
}
