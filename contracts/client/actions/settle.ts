/** Settlement actions: a settler posts a batch; workers (or anyone for them) claim it. */
import type { Address, Hash, Hex } from 'viem';
import { settlementAbi } from '../../generated/Settlement.ts';
import type { BatchAllocation, SettlementBatch } from '../batch.ts';
import type { SettlementTarget, SettlementWallet } from './types.ts';

/** Posts `batch`'s root and total against job `jobId`'s escrow (settlers only). */
export function postBatch(
  wallet: SettlementWallet,
  { address, jobId, batch }: SettlementTarget & { jobId: Hex; batch: SettlementBatch },
): Promise<Hash> {
  return wallet.writeContract({
    address,
    abi: settlementAbi,
    functionName: 'postBatch',
    args: [jobId, batch.root, batch.total, BigInt(batch.taskCount)],
    account: wallet.account,
    chain: wallet.chain,
  });
}

/** One allocation to claim: which batch it was posted in, and the leaf with its proof. */
export interface ClaimItem {
  readonly batchId: bigint;
  readonly allocation: BatchAllocation;
}

/** The contract's `Allocation` argument for an allocation of batch `batchId`. */
export function toAllocationArgument(batchId: bigint, allocation: BatchAllocation) {
  return {
    batchId,
    index: BigInt(allocation.index),
    amount: allocation.amount,
    taskCount: BigInt(allocation.taskCount),
    tasksRoot: allocation.tasksRoot,
    proof: allocation.proof,
  } as const;
}

/**
 * Claims `worker`'s allocations, possibly across batches, in one transaction; the reward
 * minus the protocol fee goes to `worker`, whoever sends it.
 */
export function claim(
  wallet: SettlementWallet,
  { address, worker, items }: SettlementTarget & { worker: Address; items: readonly ClaimItem[] },
): Promise<Hash> {
  return wallet.writeContract({
    address,
    abi: settlementAbi,
    functionName: 'claim',
    args: [worker, items.map((item) => toAllocationArgument(item.batchId, item.allocation))],
    account: wallet.account,
    chain: wallet.chain,
  });
}
