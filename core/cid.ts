import * as dagCbor from '@ipld/dag-cbor';
import { blake3 } from '@noble/hashes/blake3.js';
import { CID } from 'multiformats/cid';
import * as Digest from 'multiformats/hashes/digest';
import { sharedNative } from '../native/load.ts';
import { isPlainJson } from '../native/plain-json.ts';
import { NoobError } from './errors.ts';
import type { Tube } from './tube/tube.ts';

/**
 * Content addresses. A task (one node call in one epoch) is named by the CID of its
 * dag-cbor encoding, hashed with BLAKE3: the same call always has the same CID, whoever
 * computes it. Results are keyed by their task's CID, so duplicate deliveries are
 * harmless, identical work is recognised, and two workers' answers can be compared.
 */

/** Multicodec code of BLAKE3 (256-bit) in a multihash. */
export const BLAKE3_CODE = 0x1e;

/** A value that cannot be content-addressed (e.g. `undefined`, a function, a class instance). */
export class UnaddressableValueError extends NoobError {
  override name = 'UnaddressableValueError' as const;
}

/** One node call, as it is addressed. */
export interface TaskDescription {
  /** CID of the tube the node belongs to (see {@link tubeCid}). */
  tube: string;
  /** The node's id in the tube. */
  nodeId: string;
  /** The epoch, in its text form (`3`, `3/(split,0)`). */
  epoch: string;
  /** The call's inputs by slot. */
  inputs: Record<string, unknown>;
}

/** The CID (v1, dag-cbor, BLAKE3) of any dag-cbor-encodable value. */
export function cidOf(value: unknown, what = 'value'): CID {
  return CID.createV1(dagCbor.code, Digest.create(BLAKE3_CODE, blake3(encode(value, what))));
}

/** The dag-cbor bytes of `value`, or an {@link UnaddressableValueError} naming `what`. */
function encode(value: unknown, what: string): Uint8Array {
  try {
    return dagCbor.encode(value);
  } catch (error) {
    throw new UnaddressableValueError(
      `cannot content-address ${what}: ${(error as Error).message}`,
      {
        details:
          'Only JSON-like values, byte arrays and CIDs can be addressed (no undefined, functions or class instances).',
        cause: error,
      },
    );
  }
}

/**
 * The native addon when it is built (see native/): plain JSON values of short strings
 * then take one call from their JSON text to the CID text, the same bytes hashed the same
 * way (several times faster for a task, see docs/native.md); other values are encoded by
 * dag-cbor here and hashed there.
 */
const native = sharedNative().addon;
/** Longer strings go through dag-cbor, which copies them faster than JSON.stringify does. */
const JSON_ROUTE_MAX_STRING = 1024;

/** The CID text of a value, through the addon where it is built. */
function cidText(value: unknown, what: string): string {
  if (!native) return cidOf(value, what).toString();
  if (isPlainJson(value, JSON_ROUTE_MAX_STRING)) return native.cidOfJson(JSON.stringify(value));
  return native.cidOfDagCbor(encode(value, what));
}

/** The CID of a tube: its merged specification with the tube inputs it was bound with. */
export function tubeCid(tube: Tube): string {
  return cidText({ spec: tube.spec, input: tube.input }, `tube ${tube.id}`);
}

/** The CID of one node call. */
export function taskCid(task: TaskDescription): string {
  return cidText(task, `the inputs of node ${task.nodeId} in epoch ${task.epoch}`);
}
