/** Pull payments outside claims: credits (bonds, slash shares) and protocol fees. */
import type { Hash } from 'viem';
import { settlementAbi } from '../../generated/Settlement.ts';
import type { SettlementTarget, SettlementWallet } from './types.ts';

/** Withdraws the account's credits: returned or forfeited bonds and slash shares. */
export function withdrawCredits(
  wallet: SettlementWallet,
  { address }: SettlementTarget,
): Promise<Hash> {
  return wallet.writeContract({
    address,
    abi: settlementAbi,
    functionName: 'withdrawCredits',
    account: wallet.account,
    chain: wallet.chain,
  });
}

/** Pays accrued fees to the fee recipient fixed at deployment (anyone may send it). */
export function withdrawFees(
  wallet: SettlementWallet,
  { address }: SettlementTarget,
): Promise<Hash> {
  return wallet.writeContract({
    address,
    abi: settlementAbi,
    functionName: 'withdrawFees',
    account: wallet.account,
    chain: wallet.chain,
  });
}
