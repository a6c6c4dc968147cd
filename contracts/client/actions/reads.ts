/** Reads anyone may make: stakes, reputation, jobs, batches, claims and the accounting. */
import type { Address, Hex } from 'viem';
import { settlementAbi } from '../../generated/Settlement.ts';
import type { SettlementReader, SettlementTarget } from './types.ts';

/** A worker's stake, unbonding start (0 if none) and reputation counters. */
export function getWorker(
  reader: SettlementReader,
  { address, worker }: SettlementTarget & { worker: Address },
) {
  return reader.readContract({
    address,
    abi: settlementAbi,
    functionName: 'workerInfo',
    args: [worker],
  });
}

/** Whether settlers may include `worker`: staked at or above the minimum, not unbonding. */
export function isActive(
  reader: SettlementReader,
  { address, worker }: SettlementTarget & { worker: Address },
) {
  return reader.readContract({
    address,
    abi: settlementAbi,
    functionName: 'isActive',
    args: [worker],
  });
}

/** Tasks completed, times slashed and the score in basis points. */
export async function getReputation(
  reader: SettlementReader,
  { address, worker }: SettlementTarget & { worker: Address },
): Promise<{ completed: bigint; slashed: bigint; scoreBps: bigint }> {
  const [completed, slashed, scoreBps] = await reader.readContract({
    address,
    abi: settlementAbi,
    functionName: 'reputation',
    args: [worker],
  });
  return { completed, slashed, scoreBps };
}

/** A job's submitter, deadline, settler and remaining escrow. */
export async function getJob(
  reader: SettlementReader,
  { address, jobId }: SettlementTarget & { jobId: Hex },
) {
  const [submitter, deadline, settler, escrow] = await reader.readContract({
    address,
    abi: settlementAbi,
    functionName: 'jobs',
    args: [jobId],
  });
  return { submitter, deadline, settler, escrow };
}

/** A batch's root, total, amount paid out or voided, window end and job. */
export async function getBatch(
  reader: SettlementReader,
  { address, batchId }: SettlementTarget & { batchId: bigint },
) {
  const [root, total, paid, challengeEnd, jobId] = await reader.readContract({
    address,
    abi: settlementAbi,
    functionName: 'batches',
    args: [batchId],
  });
  return { root, total, paid, challengeEnd, jobId };
}

/** Whether the allocation at `index` of batch `batchId` was claimed. */
export function isClaimed(
  reader: SettlementReader,
  { address, batchId, index }: SettlementTarget & { batchId: bigint; index: number },
) {
  return reader.readContract({
    address,
    abi: settlementAbi,
    functionName: 'isClaimed',
    args: [batchId, BigInt(index)],
  });
}

/** An account's pull balance: returned or forfeited bonds and slash shares. */
export function getCredits(
  reader: SettlementReader,
  { address, account }: SettlementTarget & { account: Address },
) {
  return reader.readContract({
    address,
    abi: settlementAbi,
    functionName: 'credits',
    args: [account],
  });
}

/** The contract's buckets and its balance: `balance === accounted` is the invariant. */
export async function getAccounting(reader: SettlementReader, { address }: SettlementTarget) {
  const call = <
    F extends 'totalStaked' | 'totalEscrowed' | 'totalOwed' | 'feesAccrued' | 'accountedBalance',
  >(
    functionName: F,
  ) => reader.readContract({ address, abi: settlementAbi, functionName });
  const [staked, escrowed, owed, fees, accounted, balance] = await Promise.all([
    call('totalStaked'),
    call('totalEscrowed'),
    call('totalOwed'),
    call('feesAccrued'),
    call('accountedBalance'),
    reader.getBalance({ address }),
  ]);
  return { staked, escrowed, owed, fees, accounted, balance };
}

/** The deployment's parameters. */
export async function getParameters(reader: SettlementReader, { address }: SettlementTarget) {
  const call = <
    F extends 'minStake' | 'challengeWindow' | 'unbondingPeriod' | 'challengeBond' | 'feeBps',
  >(
    functionName: F,
  ) => reader.readContract({ address, abi: settlementAbi, functionName });
  const [minStake, challengeWindow, unbondingPeriod, challengeBond, feeBps] = await Promise.all([
    call('minStake'),
    call('challengeWindow'),
    call('unbondingPeriod'),
    call('challengeBond'),
    call('feeBps'),
  ]);
  return { minStake, challengeWindow, unbondingPeriod, challengeBond, feeBps };
}

/** Whether task leaf `taskIndex` of the allocation at `index` was voided by a challenge. */
export function isVoided(
  reader: SettlementReader,
  {
    address,
    batchId,
    index,
    taskIndex,
  }: SettlementTarget & { batchId: bigint; index: number; taskIndex: number },
) {
  return reader.readContract({
    address,
    abi: settlementAbi,
    functionName: 'isVoided',
    args: [batchId, BigInt(index), BigInt(taskIndex)],
  });
}

/** Reward and task count voided so far from the allocation at `index` of a batch. */
export function getVoided(
  reader: SettlementReader,
  { address, batchId, index }: SettlementTarget & { batchId: bigint; index: number },
) {
  return reader.readContract({
    address,
    abi: settlementAbi,
    functionName: 'voidedOf',
    args: [batchId, BigInt(index)],
  });
}

/** The roles: admin, pending admin, fee recipient, and whether `account` is a settler. */
export async function getRoles(
  reader: SettlementReader,
  { address, account }: SettlementTarget & { account: Address },
) {
  const [admin, pendingAdmin, feeRecipient, isSettler] = await Promise.all([
    reader.readContract({ address, abi: settlementAbi, functionName: 'admin' }),
    reader.readContract({ address, abi: settlementAbi, functionName: 'pendingAdmin' }),
    reader.readContract({ address, abi: settlementAbi, functionName: 'feeRecipient' }),
    reader.readContract({
      address,
      abi: settlementAbi,
      functionName: 'isSettler',
      args: [account],
    }),
  ]);
  return { admin, pendingAdmin, feeRecipient, isSettler };
}

/** Number of batches posted so far (batch ids run from 1). */
export function getBatchCount(reader: SettlementReader, { address }: SettlementTarget) {
  return reader.readContract({ address, abi: settlementAbi, functionName: 'batchCount' });
}

/** The contract's EIP-712 domain separator on the current chain. */
export function getDomainSeparator(reader: SettlementReader, { address }: SettlementTarget) {
  return reader.readContract({ address, abi: settlementAbi, functionName: 'domainSeparator' });
}
