import { blake3 as nobleBlake3 } from '@noble/hashes/blake3.js';
import { NativeArgumentError } from '../errors.ts';

/** Bytes in a BLAKE3 digest. */
export const DIGEST_LENGTH = 32;

/** Twin of the addon's `blake3`. */
export function blake3(input: Uint8Array): Uint8Array {
  return nobleBlake3(input);
}

/** Refuses an output buffer that shares memory with the input, as the addon must. */
function refuseOverlap(input: Uint8Array, out: Uint8Array): void {
  if (input.buffer !== out.buffer || input.length === 0 || out.length === 0) return;
  const [a, b] = [input.byteOffset, out.byteOffset];
  if (a < b + out.length && b < a + input.length)
    throw new NativeArgumentError('the output buffer must not overlap the input');
}

/** Twin of the addon's `blake3Into`. */
export function blake3Into(input: Uint8Array, out: Uint8Array): void {
  refuseOverlap(input, out);
  if (out.length < DIGEST_LENGTH)
    throw new NativeArgumentError(
      `output too small: a digest needs ${DIGEST_LENGTH} bytes, got ${out.length}`,
    );
  out.set(nobleBlake3(input));
}

/** Twin of the addon's `blake3Many`. */
export function blake3Many(data: Uint8Array, offsets: Uint32Array, out: Uint8Array): void {
  refuseOverlap(data, out);
  const count = Math.max(offsets.length - 1, 0);
  for (let i = 0; i + 1 < offsets.length; i++)
    if (offsets[i]! > offsets[i + 1]!)
      throw new NativeArgumentError(
        `offsets must not decrease: offsets[${i}] = ${offsets[i]} > offsets[${i + 1}] = ${offsets[i + 1]}`,
      );
  const last = offsets.at(-1);
  if (last !== undefined && last > data.length)
    throw new NativeArgumentError(
      `offsets run past the data: last offset ${last} > ${data.length} bytes`,
    );
  if (out.length < count * DIGEST_LENGTH)
    throw new NativeArgumentError(
      `output too small: ${count} digests need ${count * DIGEST_LENGTH} bytes, got ${out.length}`,
    );
  for (let i = 0; i < count; i++)
    out.set(nobleBlake3(data.subarray(offsets[i], offsets[i + 1])), i * DIGEST_LENGTH);
}
