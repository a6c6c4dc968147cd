/** Admin actions: the settler role and the admin hand-over. None of them moves funds. */
import type { Address, Hash } from 'viem';
import { settlementAbi } from '../../generated/Settlement.ts';
import type { SettlementTarget, SettlementWallet } from './types.ts';

/** Grants (`allowed`) or revokes the settler role (admin only). */
export function setSettler(
  wallet: SettlementWallet,
  { address, settler, allowed }: SettlementTarget & { settler: Address; allowed: boolean },
): Promise<Hash> {
  return wallet.writeContract({
    address,
    abi: settlementAbi,
    functionName: 'setSettler',
    args: [settler, allowed],
    account: wallet.account,
    chain: wallet.chain,
  });
}

/** Names the next admin, who must call `acceptAdmin` (admin only). */
export function transferAdmin(
  wallet: SettlementWallet,
  { address, next }: SettlementTarget & { next: Address },
): Promise<Hash> {
  return wallet.writeContract({
    address,
    abi: settlementAbi,
    functionName: 'transferAdmin',
    args: [next],
    account: wallet.account,
    chain: wallet.chain,
  });
}

/** Takes over as admin after being named. */
export function acceptAdmin(
  wallet: SettlementWallet,
  { address }: SettlementTarget,
): Promise<Hash> {
  return wallet.writeContract({
    address,
    abi: settlementAbi,
    functionName: 'acceptAdmin',
    account: wallet.account,
    chain: wallet.chain,
  });
}
