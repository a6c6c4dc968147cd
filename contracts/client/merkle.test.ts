import { type Hex, keccak256, toHex } from 'viem';
import { describe, expect, test } from 'vitest';
import { buildTree, getProof, hashPair, verifyProof } from './merkle.ts';

const leaf = (i: number): Hex => keccak256(toHex(`leaf-${i}`));

describe('merkle', () => {
  test('default: every leaf proves against the root, for every tree size up to 17', () => {
    for (let size = 1; size <= 17; size++) {
      const leaves = Array.from({ length: size }, (_, i) => leaf(i));
      const tree = buildTree(leaves);
      leaves.forEach((l, i) => {
        expect(verifyProof(getProof(tree, i), BigInt(i), l, tree.root)).toBe(true);
      });
    }
  });

  test('behavior: a single leaf is its own root, with an empty proof', () => {
    const tree = buildTree([leaf(0)]);
    expect(tree.root).toBe(leaf(0));
    expect(getProof(tree, 0)).toEqual([]);
  });

  test('behavior: odd trees are padded with zero leaves', () => {
    const zero: Hex = `0x${'0'.repeat(64)}`;
    const tree = buildTree([leaf(0), leaf(1), leaf(2)]);
    expect(tree.root).toBe(hashPair(hashPair(leaf(0), leaf(1)), hashPair(leaf(2), zero)));
  });

  test('error: a proof does not verify at another index, an out-of-range index or another root', () => {
    const tree = buildTree([leaf(0), leaf(1), leaf(2), leaf(3)]);
    const proof = getProof(tree, 1);
    expect(verifyProof(proof, 0n, leaf(1), tree.root)).toBe(false);
    // Same leaf position plus 2^depth: refused, so one leaf has one index.
    expect(verifyProof(proof, 1n + 4n, leaf(1), tree.root)).toBe(false);
    expect(verifyProof(proof, 1n, leaf(1), leaf(9))).toBe(false);
    expect(() => getProof(tree, 4)).toThrow(expect.objectContaining({ name: 'MerkleError' }));
    expect(() => buildTree([])).toThrow(expect.objectContaining({ name: 'MerkleError' }));
  });
});
