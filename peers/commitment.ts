import { publicKeyToProtobuf } from '@libp2p/crypto/keys';
import type { SignedMessage } from '@libp2p/gossipsub';
import { blake3 } from '@noble/hashes/blake3.js';
import { randomHex, toBase64, toHex } from './bytes.ts';

/**
 * Quorum's commit–reveal. An executor first publishes BLAKE3(result CID, salt, its own
 * peer id), and only once the commit phase is closed the result CID and salt. A peer that
 * copies another's commitment cannot open it (the id inside is not its own), and one that
 * waits to copy a revealed result has nothing it could open: its commitment came first.
 */
export function commitmentOf(result: string, salt: string, executor: string): string {
  return toHex(blake3(new TextEncoder().encode(`${result}\n${salt}\n${executor}`)));
}

/** A fresh random salt. */
export function newSalt(): string {
  return randomHex(16);
}

/**
 * A gossip message as its author signed it, in a form anyone can check later (the
 * libp2p pubsub signature over `libp2p-pubsub:` + the protobuf of from, data, seqno and
 * topic, with the author's public key): evidence that holds without trusting whoever
 * kept it.
 */
export interface SignedRecord {
  from: string;
  topic: string;
  /** base64 */
  data: string;
  seqno: string;
  /** base64 */
  signature: string;
  /** base64 protobuf of the author's public key. */
  key: string;
}

/** The record of a signed message. */
export function signedRecord(message: SignedMessage): SignedRecord {
  return {
    from: message.from.toString(),
    topic: message.topic,
    data: toBase64(message.data),
    seqno: message.sequenceNumber.toString(),
    signature: toBase64(message.signature),
    key: toBase64(publicKeyToProtobuf(message.key)),
  };
}
