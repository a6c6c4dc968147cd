import * as dagCbor from '@ipld/dag-cbor';
import { blake3 } from '@noble/hashes/blake3.js';
import { CID } from 'multiformats/cid';
import { BLAKE3_CODE, cidOf } from '../core/cid.ts';
import { fromBase64, toBase64 } from './bytes.ts';
import { MAX_INLINE_BYTES } from './messages.ts';

/** Largest block served or accepted (a task's inputs or a call's outputs). */
export const MAX_BLOCK_BYTES = 8 * 1024 * 1024;
/** Blocks kept per peer before the oldest are forgotten. */
const MAX_BLOCKS = 20_000;

/**
 * Content-addressed blocks (dag-cbor, BLAKE3, the CIDs of core/cid.ts): task calls and
 * their results. A peer keeps the blocks it made or fetched and serves them to any peer
 * that asks by CID; a fetched block is hashed on arrival and refused unless it matches the
 * CID asked for, so a peer can lie about a result but never about what a CID holds.
 */
export class BlockStore {
  readonly #blocks = new Map<string, Uint8Array>();

  /** Stores a value as a block; returns its CID. */
  put(value: unknown, what?: string): string {
    const cid = cidOf(value, what).toString();
    this.#keep(cid, dagCbor.encode(value));
    return cid;
  }

  /** The block's bytes, if this peer has it. */
  bytes(cid: string): Uint8Array | undefined {
    return this.#blocks.get(cid);
  }

  /** The block's value, if this peer has it. */
  get<T = unknown>(cid: string): T | undefined {
    const bytes = this.#blocks.get(cid);
    return bytes ? dagCbor.decode<T>(bytes) : undefined;
  }

  /** Keeps bytes already checked against their CID. */
  keepVerified(cid: string, bytes: Uint8Array): void {
    this.#keep(cid, bytes);
  }

  /** The block as a message carries it inline (base64), if this peer has it and it is small. */
  inline(cid: string): string | undefined {
    const bytes = this.#blocks.get(cid);
    return bytes && bytes.byteLength <= MAX_INLINE_BYTES ? toBase64(bytes) : undefined;
  }

  /**
   * Keeps a block that came inline in a message, if it hashes to `cid`; false when it
   * does not (or is not base64): the block is then fetched by CID like any other.
   */
  keepInline(cid: string, text: string | undefined): boolean {
    if (text === undefined) return false;
    if (this.#blocks.has(cid)) return true;
    let bytes: Uint8Array;
    try {
      bytes = fromBase64(text);
    } catch {
      return false;
    }
    if (!hashesTo(cid, bytes)) return false;
    this.#keep(cid, bytes);
    return true;
  }

  #keep(cid: string, bytes: Uint8Array): void {
    if (this.#blocks.has(cid)) return;
    this.#blocks.set(cid, bytes);
    // Oldest first out: maps iterate in insertion order.
    if (this.#blocks.size > MAX_BLOCKS) this.#blocks.delete(this.#blocks.keys().next().value!);
  }
}

/** Whether `bytes` are what `cid` names (BLAKE3 multihash). */
export function hashesTo(cid: string, bytes: Uint8Array): boolean {
  let parsed: CID;
  try {
    parsed = CID.parse(cid);
  } catch {
    return false;
  }
  if (parsed.multihash.code !== BLAKE3_CODE) return false;
  const digest = blake3(bytes);
  const expected = parsed.multihash.digest;
  return expected.length === digest.length && expected.every((byte, i) => byte === digest[i]);
}
