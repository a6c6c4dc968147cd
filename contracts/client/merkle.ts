/**
 * Position-addressed binary Merkle trees, matching `IndexedMerkle.sol`: the leaf count is
 * padded to a power of two with zero leaves, internal nodes are keccak256(left ‖ right),
 * and bit i of a leaf's index says whether its level-i ancestor is a right child.
 */
import { concat, type Hex, keccak256 } from 'viem';
import { MerkleError } from './errors.ts';

const ZERO: Hex = `0x${'0'.repeat(64)}`;

/** keccak256(left ‖ right), as the contract hashes two nodes. */
export function hashPair(left: Hex, right: Hex): Hex {
  return keccak256(concat([left, right]));
}

/** A built tree: `levels[0]` are the padded leaves, the last level is `[root]`. */
export interface MerkleTree {
  readonly root: Hex;
  readonly levels: readonly (readonly Hex[])[];
  /** Number of real (unpadded) leaves. */
  readonly size: number;
}

/** Builds the tree over `leaves` (at least one). */
export function buildTree(leaves: readonly Hex[]): MerkleTree {
  if (leaves.length === 0) throw new MerkleError('A Merkle tree needs at least one leaf.');
  let width = 1;
  while (width < leaves.length) width *= 2;
  let level: Hex[] = [...leaves, ...Array<Hex>(width - leaves.length).fill(ZERO)];
  const levels: Hex[][] = [level];
  while (level.length > 1) {
    const next: Hex[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(hashPair(level[i]!, level[i + 1]!));
    levels.push(next);
    level = next;
  }
  return { root: level[0]!, levels, size: leaves.length };
}

/** The sibling path of leaf `index`, bottom up, as the contract's `proof` argument. */
export function getProof(tree: MerkleTree, index: number): Hex[] {
  if (!Number.isInteger(index) || index < 0 || index >= tree.size) {
    throw new MerkleError(`No leaf at index ${index}: the tree holds ${tree.size} leaves.`);
  }
  const proof: Hex[] = [];
  let position = index;
  for (const level of tree.levels.slice(0, -1)) {
    proof.push(level[position ^ 1]!);
    position >>= 1;
  }
  return proof;
}

/** Whether `leaf` sits at `index` under `root`; the same rules as `IndexedMerkle.verify`. */
export function verifyProof(proof: readonly Hex[], index: bigint, leaf: Hex, root: Hex): boolean {
  if (proof.length > 32 || index >> BigInt(proof.length) !== 0n) return false;
  let node = leaf;
  let position = index;
  for (const sibling of proof) {
    node = (position & 1n) === 0n ? hashPair(node, sibling) : hashPair(sibling, node);
    position >>= 1n;
  }
  return node.toLowerCase() === root.toLowerCase();
}
