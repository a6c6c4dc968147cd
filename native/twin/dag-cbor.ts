import * as dagCbor from '@ipld/dag-cbor';
import { CID } from 'multiformats/cid';
import * as Digest from 'multiformats/hashes/digest';
import { MAX_DEPTH } from '../contract.ts';
import { InvalidJsonError, UnencodableValueError } from '../errors.ts';
import { blake3 } from './blake3.ts';

/** Multicodec of BLAKE3 (256-bit) in a multihash. */
const BLAKE3_CODE = 0x1e;

/** Twin of the addon's `cidOfDagCbor`. */
export function cidOfDagCbor(bytes: Uint8Array): string {
  return CID.createV1(dagCbor.code, Digest.create(BLAKE3_CODE, blake3(bytes))).toString();
}

/** Twin of the addon's `dagCborFromJson`. */
export function dagCborFromJson(json: string): Uint8Array {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new InvalidJsonError(`invalid JSON: ${(error as Error).message}`, { cause: error });
  }
  if (deeperThan(value, MAX_DEPTH))
    throw new UnencodableValueError(`values nested deeper than ${MAX_DEPTH} cannot be encoded`);
  try {
    return dagCbor.encode(value);
  } catch (error) {
    // From JSON, only a number beyond float64 (parsed as ±Infinity) gets here.
    throw new UnencodableValueError((error as Error).message, { cause: error });
  }
}

/** Twin of the addon's `cidOfJson`. */
export function cidOfJson(json: string): string {
  return cidOfDagCbor(dagCborFromJson(json));
}

/** Whether arrays and objects nest more than `limit` deep in a parsed JSON value (no recursion). */
function deeperThan(value: unknown, limit: number): boolean {
  const pending: [unknown, number][] = [[value, 0]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [item, depth] = next;
    if (item === null || typeof item !== 'object') continue;
    if (depth === limit) return true;
    for (const child of Object.values(item)) pending.push([child, depth + 1]);
  }
  return false;
}
