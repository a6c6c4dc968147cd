/** Submitter actions: fund a job's escrow, reclaim what it did not spend. */
import type { Address, Hash, Hex } from 'viem';
import { settlementAbi } from '../../generated/Settlement.ts';
import type { SettlementTarget, SettlementWallet } from './types.ts';

/** What `fundJob` takes. */
export interface FundJobParameters extends SettlementTarget {
  readonly jobId: Hex;
  /** The only settler that may post batches against this escrow (fixed at creation). */
  readonly settler: Address;
  readonly amount: bigint;
  /** Unix seconds: batches stop and unspent escrow becomes reclaimable; later extends. */
  readonly deadline: bigint;
}

/**
 * Adds `amount` wei to job `jobId`'s escrow. The first funding creates the job with the
 * account as submitter and `settler` as the only account that may spend it.
 */
export function fundJob(
  wallet: SettlementWallet,
  { address, jobId, settler, amount, deadline }: FundJobParameters,
): Promise<Hash> {
  return wallet.writeContract({
    address,
    abi: settlementAbi,
    functionName: 'fundJob',
    args: [jobId, settler, Number(deadline)],
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
