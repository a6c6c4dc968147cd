/**
 * What the settlement pass talks to on chain: a reader, the settler's wallet, the
 * contract, and the block to search for its own past posts from.
 */
import type { Address } from 'viem';
import type { SettlementReader, SettlementWallet } from '../../contracts/client/actions/types.ts';

/** The settlement contract as the settler sees it. */
export interface SettlementChain {
  readonly reader: SettlementReader;
  /** The settler's wallet (its account holds the settler role, and is the jobs' settler). */
  readonly wallet: SettlementWallet;
  /** The deployed settlement contract. */
  readonly address: Address;
  /**
   * First block to look for `BatchPosted` events in when recovering a batch a dead settler
   * left 'posting' (the contract's deployment block; default 0, the whole chain: some
   * providers refuse that on a long chain, so set NOOB_SETTLEMENT_FROM_BLOCK there).
   */
  readonly fromBlock?: bigint;
}
