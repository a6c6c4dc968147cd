/**
 * A CPU-bound node for the `runner-parallel` benchmark: pure JavaScript arithmetic (no
 * I/O, no native code), so the only way to go faster is more cores.
 */
import { defineNode } from '../../core/node/define.ts';

/**
 * Runs `iterations` rounds of xorshift32 mixed with floating-point work, seeded by `seed`;
 * returns a checksum so the work cannot be skipped.
 */
export const crunch = defineNode({
  slots: { seed: {}, iterations: { default: 200_000 } },
  process: ({ seed, iterations }) => {
    let x = (seed * 2654435761 + 1) >>> 0 || 1;
    let acc = 0;
    for (let i = 0; i < iterations; i++) {
      x ^= x << 13;
      x >>>= 0;
      x ^= x >>> 17;
      x ^= x << 5;
      x >>>= 0;
      acc += Math.sqrt(x) * 1e-6;
    }
    return Math.round(acc);
  },
});
