/**
 * A worker's allocation as settlement_allocations keeps it (written with its batch, see
 * post.ts), read back for a claim. It is checked against the batch's posted root before
 * it is served, a dozen hashes up its proof, so a stored row that was changed fails here
 * (ProofMismatchError) rather than as a claim the contract refuses.
 */
import type { Address, Hex } from 'viem';
import type { BatchAllocation } from '../../contracts/client/batch.ts';
import { allocationLeaf } from '../../contracts/client/leaves.ts';
import { verifyProof } from '../../contracts/client/merkle.ts';
import type { SqlRow } from '../queue/backend.ts';
import { ProofMismatchError } from './errors.ts';

/**
 * `worker`'s stored allocation in the batch of `row` (settlement_claim_batches.sql), or
 * undefined when the batch has none stored (made before migration 0051).
 */
export function storedAllocation(row: SqlRow, worker: Address): BatchAllocation | undefined {
  if (row.leaf_index === null || row.leaf_index === undefined) return undefined;
  const where = `batch ${String(row.id)}'s stored allocation of ${worker}`;
  let allocation: BatchAllocation;
  try {
    const proof = JSON.parse(String(row.proof)) as unknown;
    if (!Array.isArray(proof) || !proof.every((p) => /^0x[0-9a-fA-F]{64}$/.test(String(p))))
      throw new TypeError('proof is not an array of 32-byte hex');
    allocation = {
      worker,
      index: Number(row.leaf_index),
      amount: BigInt(String(row.amount)),
      taskCount: Number(row.allocation_tasks),
      tasksRoot: String(row.tasks_root) as Hex,
      proof: proof as Hex[],
      tasks: [],
    };
  } catch (error) {
    throw new ProofMismatchError(`${where} cannot be read`, {
      details: `settlement_allocations (batch_id ${String(row.id)}, worker ${worker}) was changed after the batch was made: ${String(error)}`,
      cause: error,
    });
  }
  const leaf = allocationLeaf(
    worker,
    allocation.amount,
    BigInt(allocation.taskCount),
    allocation.tasksRoot,
  );
  if (!verifyProof(allocation.proof, BigInt(allocation.index), leaf, String(row.root) as Hex)) {
    throw new ProofMismatchError(`${where} does not give its root`, {
      details: `root on record ${String(row.root)}: settlement_allocations (batch_id ${String(row.id)}, worker ${worker}) was changed after the batch was made; restore it from a backup, or delete the batch's allocations to have them computed again from its results`,
    });
  }
  return allocation;
}
