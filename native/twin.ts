import type { NativeCore } from './contract.ts';
import { blake3, blake3Into, blake3Many } from './twin/blake3.ts';
import { cidOfDagCbor, cidOfJson, dagCborFromJson } from './twin/dag-cbor.ts';

/**
 * The TypeScript twin of the addon: the same contract, used where the addon is not
 * built and as the reference its parity suite checks it against.
 */
export const twin: NativeCore = {
  blake3,
  blake3Into,
  blake3Many,
  cidOfDagCbor,
  dagCborFromJson,
  cidOfJson,
};
