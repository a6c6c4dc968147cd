import { z } from 'zod';
import {
  commitMessage,
  encodeMessage,
  envelope,
  MAX_MESSAGE_BYTES,
  type MessageBody,
  nonce,
  type PeerMessage,
  peerMessage,
  presenceMessage,
  resultMessage,
  revealMessage,
  taskMessage,
  workingMessage,
} from './messages.ts';

/**
 * Several messages one peer says at once on one topic (the commitments to a whole
 * epoch's tasks, say) travel as one gossip message: one envelope, one signature to make
 * and check, one set of transmissions, instead of one of each per message. The validator
 * holds every item to the rules of a message alone (schema, topic, speaker); the batch's
 * envelope gives each its time and nonce. A message said alone is sent as itself.
 */

/** Most messages in one batch. */
export const MAX_BATCH = 256;

const withoutEnvelope = { v: true, ts: true, nonce: true } as const;
const item = z.discriminatedUnion('kind', [
  presenceMessage.omit(withoutEnvelope),
  taskMessage.omit(withoutEnvelope),
  resultMessage.omit(withoutEnvelope),
  workingMessage.omit(withoutEnvelope),
  commitMessage.omit(withoutEnvelope),
  revealMessage.omit(withoutEnvelope),
]);

/** A batch: the envelope, then the messages without theirs. */
export const batchMessage = z
  .object({ ...envelope, kind: z.literal('batch'), items: z.array(item).min(1).max(MAX_BATCH) })
  .strict();

/** Room for the batch's own envelope and brackets (bytes). */
const BATCH_OVERHEAD = 128;

/**
 * Encodes bodies said at once as gossip messages of at most {@link MAX_MESSAGE_BYTES}:
 * as many to a batch as fit, a body alone as itself (its inline block left out if that is
 * what makes it fit).
 */
export function encodeBatches(bodies: readonly MessageBody[], now = Date.now()): Uint8Array[] {
  const encoder = new TextEncoder();
  const groups: MessageBody[][] = [];
  let group: MessageBody[] = [];
  let size = BATCH_OVERHEAD;
  for (const body of bodies) {
    const bytes = encoder.encode(JSON.stringify(body)).byteLength + 1;
    if (group.length > 0 && (size + bytes > MAX_MESSAGE_BYTES || group.length >= MAX_BATCH)) {
      groups.push(group);
      group = [];
      size = BATCH_OVERHEAD;
    }
    group.push(body);
    size += bytes;
  }
  if (group.length > 0) groups.push(group);
  return groups.map((items) =>
    items.length === 1
      ? encodeMessage(items[0]!, now)
      : encoder.encode(JSON.stringify({ v: 1, ts: now, nonce: nonce(), kind: 'batch', items })),
  );
}

/**
 * What each gossip message's data decoded to (null: nothing valid). The topic validator
 * decodes every message it admits and the peer's handler decodes it again for dispatch:
 * the same bytes, so the second time is a lookup. Kept as long as the data is.
 */
const decoded = new WeakMap<Uint8Array, PeerMessage[] | null>();

/**
 * The messages in gossip data: one, or each of a batch with the batch's envelope
 * (undefined if the data is neither). The same data decodes to the same (shared) objects.
 */
export function decodeMessages(data: Uint8Array): PeerMessage[] | undefined {
  let messages = decoded.get(data);
  if (messages === undefined) {
    messages = decode(data) ?? null;
    decoded.set(data, messages);
  }
  return messages ?? undefined;
}

function decode(data: Uint8Array): PeerMessage[] | undefined {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(data));
  } catch {
    return undefined;
  }
  if ((json as { kind?: unknown } | null)?.kind !== 'batch') {
    const single = peerMessage.safeParse(json);
    return single.success ? [single.data] : undefined;
  }
  const batch = batchMessage.safeParse(json);
  if (!batch.success) return undefined;
  const { v, ts, nonce } = batch.data;
  return batch.data.items.map((body) => ({ v, ts, nonce, ...body }) as PeerMessage);
}
