/**
 * The two kinds of leaf a batch root commits to, encoded exactly as `Settlement.sol` does:
 * keccak256(keccak256(abi.encode(...))), double-hashed so a leaf is never an internal node.
 */
import { type Address, encodeAbiParameters, type Hex, isHex, keccak256, toBytes } from 'viem';

/** A task or result CID: raw bytes, their hex, or a multiformats `CID` (anything with `bytes`). */
export type CidLike = Uint8Array | Hex | { readonly bytes: Uint8Array };

/**
 * keccak256 of a CID's bytes: what leaves commit to and what EIP-712 signs for a `bytes`
 * member, so one hash serves both the tree and the evidence.
 */
export function cidHash(cid: CidLike): Hex {
  if (typeof cid === 'string') {
    if (!isHex(cid)) throw new TypeError(`Not a hex CID: ${cid}`);
    return keccak256(cid);
  }
  return keccak256(cid instanceof Uint8Array ? cid : cid.bytes);
}

/** The bytes of a CID, for EIP-712 messages. */
export function cidBytes(cid: CidLike): Uint8Array {
  if (typeof cid === 'string') return toBytes(cid);
  return cid instanceof Uint8Array ? cid : cid.bytes;
}

/** Leaf of one task in a worker's subtree: (task CID hash, worker, reward). */
export function taskLeaf(taskCidHash: Hex, worker: Address, reward: bigint): Hex {
  const inner = keccak256(
    encodeAbiParameters(
      [{ type: 'bytes32' }, { type: 'address' }, { type: 'uint256' }],
      [taskCidHash, worker, reward],
    ),
  );
  return keccak256(inner);
}

/** Leaf of a worker's allocation in a batch: its subtotal over the subtree `tasksRoot`. */
export function allocationLeaf(
  worker: Address,
  amount: bigint,
  taskCount: bigint,
  tasksRoot: Hex,
): Hex {
  const inner = keccak256(
    encodeAbiParameters(
      [{ type: 'address' }, { type: 'uint256' }, { type: 'uint256' }, { type: 'bytes32' }],
      [worker, amount, taskCount, tasksRoot],
    ),
  );
  return keccak256(inner);
}
