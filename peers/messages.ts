import { getAddress, isAddress } from 'viem';
import { z } from 'zod';
import { randomHex } from './bytes.ts';

/**
 * What peers say to each other on gossipsub. Every message is small JSON (tasks, inputs
 * and results travel as CIDs and are fetched by CID; a small block rides along inline, so
 * that nobody needs to fetch it, and is hash-checked against its CID all the same), carries the time it was made and a
 * random nonce (freshness and replay checks), and is signed by gossipsub (`StrictSign`):
 * a field naming a peer must name the signer, so no peer can speak for another.
 */

/** Topic of presence announcements (what a peer can run, whether quorum may use it). */
export const PRESENCE_TOPIC = 'noob/presence/1';
/** Topic of task announcements. */
export const TASKS_TOPIC = 'noob/tasks/1';
/** Topic of executors' answers: results, progress, commitments and reveals. */
export const RESULTS_TOPIC = 'noob/results/1';
/** Every topic a peer subscribes to. */
export const TOPICS = [PRESENCE_TOPIC, TASKS_TOPIC, RESULTS_TOPIC] as const;

/** Largest message data accepted (a task announcement with a few hundred executors fits). */
export const MAX_MESSAGE_BYTES = 16 * 1024;
/**
 * Largest block sent inline (bytes, before base64): a task's inputs or a call's outcome
 * this small travels in its announcement; a larger one is fetched by CID.
 */
export const MAX_INLINE_BYTES = 8 * 1024;

const cid = z.string().regex(/^b[a-z2-7]{20,100}$/, 'a base32 CIDv1');
const peerId = z.string().regex(/^[1-9A-HJ-NP-Za-km-z]{30,100}$/, 'a base58 peer id');
const hex = z.string().regex(/^[0-9a-f]{16,128}$/);
/** An EVM address in its checksummed form (EIP-55), the only spelling a presence may use. */
const payoutAddress = z
  .string()
  .length(42)
  .refine((text) => isAddress(text, { strict: true }) && getAddress(text) === text, {
    message: 'a checksummed EVM address',
  });
/** An EIP-712 signature (65 bytes, hex): the executor's payout account over its answer. */
const answerSignature = z.string().regex(/^0x[0-9a-f]{130}$/, 'a 65-byte hex signature');
/** The bytes of the block the message names by CID, base64 (checked against the CID on use). */
const inline = z
  .string()
  .max(Math.ceil(MAX_INLINE_BYTES / 3) * 4)
  .regex(/^[A-Za-z0-9+/]*={0,2}$/)
  .optional();

/** What every message carries besides what it says (see {@link MessageBody}). */
export const envelope = {
  v: z.literal(1),
  /** When it was made (ms since the epoch): old messages are refused. */
  ts: z.number().int().nonnegative(),
  /** Random: the same (signer, nonce) twice is a replay. */
  nonce: hex,
};

/** "I am here, and this is what I run." Repeated so that others notice a peer leaving. */
export const presenceMessage = z
  .object({
    ...envelope,
    kind: z.literal('presence'),
    peer: peerId,
    /** Where it can be dialled, so that others fetch blocks from it directly. */
    addrs: z.array(z.string().max(256)).max(16),
    tags: z.array(z.string().max(64)).max(32),
    /** Passed the determinism probe: may serve in quorum. */
    quorum: z.boolean(),
    /**
     * The account its rewards are paid to (see peers/payout.ts): its answers carry that
     * account's signature. Absent: the peer is not paid.
     */
    payout: payoutAddress.optional(),
  })
  .strict();

/** Who verifies a task, and how. */
export const verification = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('trusted') }).strict(),
  z
    .object({
      mode: z.literal('quorum'),
      k: z.number().int().min(2).max(16),
      q: z.number().int().min(1),
    })
    .strict(),
]);

/** "Run this task": the submitter names the rendezvous order it computed. */
export const taskMessage = z
  .object({
    ...envelope,
    kind: z.literal('task'),
    /** CID of the task block (fetched from `owner`). */
    task: cid,
    owner: peerId,
    /** Where the owner can be dialled for the task block. */
    addrs: z.array(z.string().max(256)).max(16),
    /** Candidates in rendezvous order for (task, peer): the first k run it, the rest stand by. */
    executors: z.array(peerId).min(1).max(256),
    verification,
    /** How long an executor may stay silent before the next in order takes over (ms). */
    deadlineMs: z.number().int().min(10).max(600_000),
    /** The task block, when small. */
    block: inline,
  })
  .strict();

/** An executor's plain answer (trusted mode). */
export const resultMessage = z
  .object({
    ...envelope,
    kind: z.literal('result'),
    task: cid,
    executor: peerId,
    result: cid,
    /** The payout account's EIP-712 signature over (task, result), when it has one. */
    signature: answerSignature.optional(),
    /** The result block, when small. */
    block: inline,
  })
  .strict();

/** "Still working on it": keeps standbys from taking over a long call. */
export const workingMessage = z
  .object({ ...envelope, kind: z.literal('working'), task: cid, executor: peerId })
  .strict();

/** Quorum, phase 1: a hash of (result CID, salt, executor), binding without telling. */
export const commitMessage = z
  .object({ ...envelope, kind: z.literal('commit'), task: cid, executor: peerId, commitment: hex })
  .strict();

/** Quorum, phase 2, after the commit phase closed: the result CID and salt. */
export const revealMessage = z
  .object({
    ...envelope,
    kind: z.literal('reveal'),
    task: cid,
    executor: peerId,
    result: cid,
    salt: hex,
    /**
     * The payout account's EIP-712 signature over (task, result), when it has one: in the
     * reveal, not the commitment, which would otherwise tell the result to anyone who
     * tries the likely ones.
     */
    signature: answerSignature.optional(),
    /** The result block, when small. */
    block: inline,
  })
  .strict();

/** Any message, by its `kind`. */
export const peerMessage = z.discriminatedUnion('kind', [
  presenceMessage,
  taskMessage,
  resultMessage,
  workingMessage,
  commitMessage,
  revealMessage,
]);

export type PeerMessage = z.infer<typeof peerMessage>;
export type PresenceMessage = z.infer<typeof presenceMessage>;
export type TaskMessage = z.infer<typeof taskMessage>;
export type Verification = z.infer<typeof verification>;

/** Which topic each kind belongs on (a kind on another topic is malformed). */
export const TOPIC_OF: Record<PeerMessage['kind'], string> = {
  presence: PRESENCE_TOPIC,
  task: TASKS_TOPIC,
  result: RESULTS_TOPIC,
  working: RESULTS_TOPIC,
  commit: RESULTS_TOPIC,
  reveal: RESULTS_TOPIC,
};

/** The peer a message speaks for, which must be its signer. */
export function speaker(message: PeerMessage): string {
  switch (message.kind) {
    case 'presence':
      return message.peer;
    case 'task':
      return message.owner;
    default:
      return message.executor;
  }
}

/** A fresh random nonce. */
export function nonce(): string {
  return randomHex(12);
}

/** A message without its envelope: what a peer says, before `ts` and `nonce` are added. */
export type MessageBody = PeerMessage extends infer M
  ? M extends PeerMessage
    ? Omit<M, 'v' | 'ts' | 'nonce'>
    : never
  : never;

/**
 * Encodes a message body with its envelope (time now, new nonce). An inline block that
 * would make the message too large is left out: the receiver fetches it by CID instead.
 */
export function encodeMessage(body: MessageBody, now = Date.now()): Uint8Array {
  const data = new TextEncoder().encode(JSON.stringify({ v: 1, ts: now, nonce: nonce(), ...body }));
  if (data.byteLength <= MAX_MESSAGE_BYTES || !('block' in body) || body.block === undefined)
    return data;
  const { block: _block, ...rest } = body;
  return encodeMessage(rest as MessageBody, now);
}
