/**
 * BLAKE3 rows: the addon against `@noble/hashes` (the twin) and the `blake3-wasm`
 * package, on 64 B, 1 KiB and 1 MiB inputs, and many 64 B inputs in one call.
 */
import { createRequire } from 'node:module';
import { blake3 as noble } from '@noble/hashes/blake3.js';
import type { NativeCore } from '../../native/contract.ts';
import { twin } from '../../native/twin.ts';
import { nsPerCall, round } from './time.ts';

const wasm = createRequire(import.meta.url)('blake3-wasm') as {
  load(): Promise<void>;
  hash(input: Uint8Array): Uint8Array;
};
await wasm.load();

/** One input size's figures. */
export interface HashRow {
  size: string;
  /** MiB/s of each implementation. */
  native: number;
  noble: number;
  wasm: number;
}

const SIZES: [string, number][] = [
  ['64 B', 64],
  ['1 KiB', 1024],
  ['1 MiB', 1024 * 1024],
];

const mibPerSecond = (bytes: number, ns: number) => round(bytes / 1048576 / (ns / 1e9));

/** MiB/s per implementation and size (small inputs: the addon writes into a reused buffer). */
export function hashRows(addon: NativeCore): HashRow[] {
  const out = new Uint8Array(32);
  return SIZES.map(([size, bytes]) => {
    const input = new Uint8Array(bytes).map((_, i) => i % 251);
    const small = bytes <= 1024;
    const native = small ? () => addon.blake3Into(input, out) : () => addon.blake3(input);
    return {
      size,
      native: mibPerSecond(bytes, nsPerCall(native)),
      noble: mibPerSecond(
        bytes,
        nsPerCall(() => noble(input)),
      ),
      wasm: mibPerSecond(
        bytes,
        nsPerCall(() => wasm.hash(input)),
      ),
    };
  });
}

/** Digests per second of 1,000 inputs of 64 B at once: `blake3Many` against the twin's loop. */
export function manyRow(addon: NativeCore): { native: number; twin: number } {
  const count = 1000;
  const data = new Uint8Array(64 * count).map((_, i) => i % 251);
  const offsets = Uint32Array.from({ length: count + 1 }, (_, i) => i * 64);
  const out = new Uint8Array(32 * count);
  const perSecond = (ns: number) => round((count * 1e9) / ns);
  return {
    native: perSecond(nsPerCall(() => addon.blake3Many(data, offsets, out))),
    twin: perSecond(nsPerCall(() => twin.blake3Many(data, offsets, out))),
  };
}
