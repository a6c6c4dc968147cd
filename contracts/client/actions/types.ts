/** Client shapes shared by the settlement actions. */
import type { Account, Address, Chain, PublicClient, Transport, WalletClient } from 'viem';

/** A wallet client with an account and a chain: what every write action needs. */
export type SettlementWallet = WalletClient<Transport, Chain, Account>;

/** A public client for reads, receipts and logs. */
export type SettlementReader = PublicClient<Transport, Chain | undefined>;

/** Which settlement contract an action talks to. */
export interface SettlementTarget {
  readonly address: Address;
}
