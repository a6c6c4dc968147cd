/** Deploying the settlement contract with its parameters, fixed for its lifetime. */
import type { Address } from 'viem';
import { settlementAbi, settlementBytecode } from '../generated/Settlement.ts';
import type { SettlementReader, SettlementWallet } from './actions/types.ts';
import { SettlementError } from './errors.ts';

/** Deployment parameters; amounts in wei of the chain's native currency. */
export interface SettlementParameters {
  /** Names settlers; has no path to funds. Defaults to the deploying account. */
  readonly admin?: Address;
  /** Receives protocol fees. Defaults to the deploying account. */
  readonly feeRecipient?: Address;
  readonly minStake: bigint;
  readonly challengeBond: bigint;
  /** Seconds; 1 hour by default. */
  readonly challengeWindow?: bigint;
  /** Seconds, longer than the window; 7 days by default. */
  readonly unbondingPeriod?: bigint;
  /** Basis points, at most 1000; 1% by default. */
  readonly feeBps?: bigint;
}

/** The default challenge window: one hour. */
export const DEFAULT_CHALLENGE_WINDOW = 3_600n;
/** The default unbonding period: seven days. */
export const DEFAULT_UNBONDING_PERIOD = 7n * 24n * 3_600n;
/** The default protocol fee: 1%. */
export const DEFAULT_FEE_BPS = 100n;

/** Deploys a settlement contract and waits for it; returns its address. */
export async function deploySettlement(
  wallet: SettlementWallet,
  reader: SettlementReader,
  params: SettlementParameters,
): Promise<Address> {
  const me = wallet.account.address;
  const hash = await wallet.deployContract({
    abi: settlementAbi,
    bytecode: settlementBytecode,
    args: [
      params.admin ?? me,
      params.feeRecipient ?? me,
      params.minStake,
      params.challengeWindow ?? DEFAULT_CHALLENGE_WINDOW,
      params.unbondingPeriod ?? DEFAULT_UNBONDING_PERIOD,
      params.challengeBond,
      params.feeBps ?? DEFAULT_FEE_BPS,
    ],
    account: wallet.account,
    chain: wallet.chain,
  });
  const receipt = await reader.waitForTransactionReceipt({ hash });
  if (receipt.status !== 'success' || !receipt.contractAddress) {
    throw new SettlementError('Deploying the settlement contract failed; check its parameters.', {
      details: `transaction ${hash}`,
    });
  }
  return receipt.contractAddress;
}
