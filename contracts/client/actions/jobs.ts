/** Submitter actions: fund a job's escrow, reclaim what it did not spend. */
import type { Hash, Hex } from 'viem';
import { settlementAbi } from '../../generated/Settlement.ts';
import type { SettlementTarget, SettlementWallet } from './types.ts';

/**
 * Adds `amount` wei to job `jobId`'s escrow. The first funding creates the job with the
 * account as submitter; `deadline` (unix seconds) is when unspent escrow becomes reclaimable
 * and batches stop; a later deadline extends it.
 */
export function fundJob(
  wallet: SettlementWallet,
  { address, jobId, amount, deadline }: SettlementTarget & { jobId: Hex; amount: bigint; deadline: bigint },
): Promise<Hash> {
  return wallet.writeContract({
    address,
    abi: settlementAbi,
    functionName: 'fundJob',
    args: [jobId, Number(deadline)],
    value: amount,
    account: wallet.account,
    chain: wallet.chain,
  });
}

/** Pays the job's unspent escrow back to its submitter, after the deadline. */
export function reclaim(
  wallet: SettlementWallet,
  { address, jobId }: SettlementTarget & { jobId: Hex },
): Promise<Hash> {
  return wallet.writeContract({
    address,
    abi: settlementAbi,
    functionName: 'reclaim',
    args: [jobId],
    account: wallet.account,
    chain: wallet.chain,
  });
}
