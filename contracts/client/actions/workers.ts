/** Worker actions: register with a stake, add stake, unbond, withdraw. */
import type { Hash } from 'viem';
import { settlementAbi } from '../../generated/Settlement.ts';
import type { SettlementTarget, SettlementWallet } from './types.ts';

/** Registers the wallet's account as a worker, staking `stake` wei (≥ minStake). */
export function register(
  wallet: SettlementWallet,
  { address, stake }: SettlementTarget & { stake: bigint },
): Promise<Hash> {
  return wallet.writeContract({
    address,
    abi: settlementAbi,
    functionName: 'register',
    value: stake,
    account: wallet.account,
    chain: wallet.chain,
  });
}

/** Adds `amount` wei to the account's stake (not while unbonding). */
export function addStake(
  wallet: SettlementWallet,
  { address, amount }: SettlementTarget & { amount: bigint },
): Promise<Hash> {
  return wallet.writeContract({
    address,
    abi: settlementAbi,
    functionName: 'addStake',
    value: amount,
    account: wallet.account,
    chain: wallet.chain,
  });
}

/** Starts the unbonding period; the stake stays slashable until withdrawn. */
export function requestUnstake(
  wallet: SettlementWallet,
  { address }: SettlementTarget,
): Promise<Hash> {
  return wallet.writeContract({
    address,
    abi: settlementAbi,
    functionName: 'requestUnstake',
    account: wallet.account,
    chain: wallet.chain,
  });
}

/** Withdraws the whole stake once the unbonding period has elapsed. */
export function withdrawStake(
  wallet: SettlementWallet,
  { address }: SettlementTarget,
): Promise<Hash> {
  return wallet.writeContract({
    address,
    abi: settlementAbi,
    functionName: 'withdrawStake',
    account: wallet.account,
    chain: wallet.chain,
  });
}
