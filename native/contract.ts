/**
 * The contract of noob's native addon: every export, with what it takes, gives and
 * throws. The Rust binding (`binding/src/lib.rs`) and the TypeScript twin (`twin.ts`)
 * both implement it, and `parity.test.ts` holds them to the same outputs and errors.
 * (The generated `generated/index.d.ts` declares the same signatures; a test checks it.)
 */
export interface NativeCore {
  /** The BLAKE3 digest of `input`, as a new 32-byte Buffer (for large inputs). */
  blake3(input: Uint8Array): Uint8Array;
  /**
   * Writes the BLAKE3 digest of `input` to `out[0..32]` (small inputs: no allocation).
   * Throws `NativeArgumentError` if `out` is shorter than 32 bytes or overlaps `input`.
   */
  blake3Into(input: Uint8Array, out: Uint8Array): void;
  /**
   * Hashes many inputs at once: input `i` is `data[offsets[i]..offsets[i + 1]]`, its
   * digest goes to `out[32 * i..32 * (i + 1)]`. Throws `NativeArgumentError` if the
   * offsets decrease or run past `data`, or `out` is too small or overlaps `data`.
   */
  blake3Many(data: Uint8Array, offsets: Uint32Array, out: Uint8Array): void;
  /** The CIDv1 text (dag-cbor codec, BLAKE3 multihash, base32) of dag-cbor `bytes`. */
  cidOfDagCbor(bytes: Uint8Array): string;
  /**
   * The dag-cbor bytes of the JSON value `json` holds: exactly
   * `dagCbor.encode(JSON.parse(json))`. Throws `InvalidJsonError` for text that is not
   * JSON and `UnencodableValueError` for a number beyond float64 or nesting deeper than
   * {@link MAX_DEPTH}.
   */
  dagCborFromJson(json: string): Uint8Array;
  /** `cidOfDagCbor(dagCborFromJson(json))` in one call, with the same errors. */
  cidOfJson(json: string): string;
}

/** Deepest nesting of arrays and objects `dagCborFromJson` and `cidOfJson` accept. */
export const MAX_DEPTH = 1000;

/** The names of the exports, as the addon must have them. */
export const NATIVE_EXPORTS = [
  'blake3',
  'blake3Into',
  'blake3Many',
  'cidOfDagCbor',
  'dagCborFromJson',
  'cidOfJson',
] as const satisfies readonly (keyof NativeCore)[];
