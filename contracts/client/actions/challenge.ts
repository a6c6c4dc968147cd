/** The challenge action: reveal a task leaf with conflicting signed results, posting a bond. */
import type { Hash } from 'viem';
import { settlementAbi } from '../../generated/Settlement.ts';
import type { BatchAllocation, BatchTask } from '../batch.ts';
import type { EvidenceArgument } from '../evidence.ts';
import { toAllocationArgument } from './settle.ts';
import type { SettlementTarget, SettlementWallet } from './types.ts';

/** Everything a challenge names: the leaf, where it is, the evidence, and the bond. */
export interface ChallengeParameters extends SettlementTarget {
  readonly batchId: bigint;
  readonly allocation: BatchAllocation;
  readonly task: BatchTask;
  readonly evidence: EvidenceArgument;
  /** Must equal the contract's `challengeBond`. */
  readonly bond: bigint;
}

/**
 * Challenges one task leaf during the batch's window. Valid evidence voids the leaf and
 * slashes the worker; invalid evidence forfeits the bond (check it first with
 * `buildEvidence`).
 */
export function challenge(wallet: SettlementWallet, params: ChallengeParameters): Promise<Hash> {
  const { address, batchId, allocation, task, evidence, bond } = params;
  return wallet.writeContract({
    address,
    abi: settlementAbi,
    functionName: 'challenge',
    args: [
      allocation.worker,
      toAllocationArgument(batchId, allocation),
      {
        taskCidHash: task.taskCidHash,
        index: BigInt(task.index),
        reward: task.reward,
        proof: task.proof,
      },
      evidence,
    ],
    value: bond,
    account: wallet.account,
    chain: wallet.chain,
  });
}
