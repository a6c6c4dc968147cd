/**
 * The chains noob settles on (viem's definitions) and how a deployment is configured: the
 * chain by name, the RPC URL, the key and the contract address all come from configuration
 * (environment variables by default), never from code.
 */
import {
  type Address,
  type Chain,
  createPublicClient,
  createWalletClient,
  type Hex,
  http,
  isAddress,
  isHex,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { arbitrum, base, foundry, mainnet, optimism, polygon } from 'viem/chains';
import type { SettlementReader, SettlementWallet } from './actions/types.ts';
import { ConfigError } from './errors.ts';

/** A supported chain's configuration name. */
export type SettlementChainName =
  | 'ethereum'
  | 'polygon'
  | 'arbitrum'
  | 'optimism'
  | 'base'
  | 'anvil';

/**
 * Supported chains by configuration name; `anvil` is the local development chain. Typed as
 * plain `Chain`s so that the published declarations need not name viem's internal types.
 */
export const settlementChains: Readonly<Record<SettlementChainName, Chain>> = {
  ethereum: mainnet,
  polygon,
  arbitrum,
  optimism,
  base,
  anvil: foundry,
};

/** A resolved configuration. */
export interface SettlementConfig {
  readonly chain: Chain;
  readonly rpcUrl: string;
  /** Absent for read-only use. */
  readonly privateKey: Hex | undefined;
  /** Absent before deployment. */
  readonly address: Address | undefined;
}

/**
 * Reads `NOOB_CHAIN` (one of settlementChains' names), `NOOB_RPC_URL`, `NOOB_PRIVATE_KEY`
 * (optional) and `NOOB_SETTLEMENT_ADDRESS` (optional) from `env`. Throws a `ConfigError`
 * naming the variable that is missing or malformed.
 */
export function loadSettlementConfig(
  env: Record<string, string | undefined> = process.env,
): SettlementConfig {
  const name = env.NOOB_CHAIN;
  if (!name || !Object.hasOwn(settlementChains, name)) {
    const names = Object.keys(settlementChains).join(', ');
    throw new ConfigError(`Set NOOB_CHAIN to one of: ${names} (got ${name ?? 'nothing'}).`);
  }
  const rpcUrl = env.NOOB_RPC_URL;
  if (!rpcUrl || !/^(https?|wss?):\/\//.test(rpcUrl)) {
    throw new ConfigError(
      "Set NOOB_RPC_URL to the chain's JSON-RPC endpoint (http(s):// or ws(s)://).",
    );
  }
  const privateKey = env.NOOB_PRIVATE_KEY || undefined;
  if (privateKey !== undefined && !(isHex(privateKey) && privateKey.length === 66)) {
    throw new ConfigError('NOOB_PRIVATE_KEY must be a 0x-prefixed 32-byte hex key.');
  }
  const address = env.NOOB_SETTLEMENT_ADDRESS || undefined;
  if (address !== undefined && !isAddress(address)) {
    throw new ConfigError('NOOB_SETTLEMENT_ADDRESS must be a 0x-prefixed contract address.');
  }
  return {
    chain: settlementChains[name as SettlementChainName],
    rpcUrl,
    privateKey: privateKey as Hex | undefined,
    address: address as Address | undefined,
  };
}

/** A public client for `config`, plus a wallet client when it carries a key. */
export function createSettlementClients(config: SettlementConfig): {
  reader: SettlementReader;
  wallet: SettlementWallet | undefined;
} {
  const transport = http(config.rpcUrl);
  const reader = createPublicClient({ chain: config.chain, transport }) as SettlementReader;
  const wallet = config.privateKey
    ? createWalletClient({
        account: privateKeyToAccount(config.privateKey),
        chain: config.chain,
        transport,
      })
    : undefined;
  return { reader, wallet };
}
