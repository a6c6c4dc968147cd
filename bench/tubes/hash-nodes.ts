/** CPU-bound nodes for the runner benchmarks: real work, not sleeps. */
import { createHash } from 'node:crypto';
import { defineNode } from '../../core/index.ts';

/** Hashes a 1 KiB block `rounds` times with SHA-256, chaining the digest; returns its hex prefix. */
export const grind = defineNode({
  slots: { seed: {}, rounds: { default: 2000 } },
  description: 'SHA-256 chained `rounds` times over a 1 KiB block',
  process: ({ seed, rounds }) => {
    let block = Buffer.alloc(1024, String(seed));
    for (let i = 0; i < rounds; i++)
      block = Buffer.concat([createHash('sha256').update(block).digest(), block.subarray(32)]);
    return block.subarray(0, 8).toString('hex');
  },
});
