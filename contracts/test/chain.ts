/**
 * A test chain: anvil plus viem clients for its funded dev accounts, time travel, and a
 * helper that sends a transaction and insists it succeeded.
 */
import {
  createPublicClient,
  createTestClient,
  createWalletClient,
  type Hash,
  type Hex,
  http,
} from 'viem';
import { mnemonicToAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';
import type { SettlementReader, SettlementWallet } from '../client/actions/types.ts';
import { waitForSettlement } from '../client/events.ts';
import { type Anvil, startAnvil } from './anvil.ts';

/** anvil's well-known development mnemonic (test funds only). */
const DEV_MNEMONIC = 'test test test test test test test test test test test junk';

/** A running chain with its clients. */
export interface TestChain {
  readonly anvil: Anvil;
  readonly reader: SettlementReader;
  /** One wallet per funded dev account. */
  readonly wallets: readonly SettlementWallet[];
  /** Moves the chain's clock forward and mines a block. */
  travel(seconds: bigint): Promise<void>;
  /** The latest block's timestamp. */
  now(): Promise<bigint>;
  /** Saves the chain's state; `restore` goes back to it. */
  snapshot(): Promise<Hex>;
  restore(id: Hex): Promise<void>;
  /** Waits for `hash` and throws unless it succeeded; returns the decoded events. */
  mined(hash: Hash | Promise<Hash>): Promise<Awaited<ReturnType<typeof waitForSettlement>>>;
  stop(): Promise<void>;
}

/** Starts anvil with `accounts` funded accounts and builds the clients. */
export async function startChain(accounts = 10): Promise<TestChain> {
  const anvil = await startAnvil({ accounts });
  const transport = http(anvil.rpcUrl);
  const reader = createPublicClient({
    chain: foundry,
    transport,
    pollingInterval: 50,
  }) as SettlementReader;
  const test = createTestClient({ chain: foundry, mode: 'anvil', transport });
  const wallets = Array.from({ length: accounts }, (_, addressIndex) =>
    createWalletClient({
      account: mnemonicToAccount(DEV_MNEMONIC, { addressIndex }),
      chain: foundry,
      transport,
    }),
  );
  return {
    anvil,
    reader,
    wallets,
    async travel(seconds) {
      await test.increaseTime({ seconds: Number(seconds) });
      await test.mine({ blocks: 1 });
    },
    async now() {
      return (await reader.getBlock()).timestamp;
    },
    snapshot: () => test.snapshot(),
    async restore(id) {
      await test.revert({ id });
    },
    async mined(hash) {
      const result = await waitForSettlement(reader, await hash);
      if (result.receipt.status !== 'success')
        throw new Error(`transaction ${result.receipt.transactionHash} reverted`);
      return result;
    },
    stop: () => anvil.stop(),
  };
}
