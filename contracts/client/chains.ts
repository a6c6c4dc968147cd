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
  isHex,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import type { SettlementReader, SettlementWallet } from './actions/types.ts';
import { type SettlementContractOptions, settlementContractFromEnv } from './contract-env.ts';
import { ConfigError } from './errors.ts';

export type { SettlementChainName } from './contract-env.ts';
// Defined beside their parser; exported here too, where the chains have always been.
export { settlementChains } from './contract-env.ts';

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
 * (optional) and `NOOB_SETTLEMENT_ADDRESS` (optional; checksummed when given) from `env`.
 * Throws a `ConfigError` naming the variable that is missing or malformed; the chain and
 * the address are parsed as every reader of them does (`settlementContractFromEnv`).
 */
export function loadSettlementConfig(
  env: Record<string, string | undefined>,
  options: SettlementContractOptions & { requireAddress: true },
): SettlementConfig & { readonly address: Address };
export function loadSettlementConfig(
  env?: Record<string, string | undefined>,
  options?: SettlementContractOptions,
): SettlementConfig;
export function loadSettlementConfig(
  env: Record<string, string | undefined> = process.env,
  /** Contract options (an address required): the shared parser says what is missing. */
  options: SettlementContractOptions = {},
): SettlementConfig {
  const { chain, address } = settlementContractFromEnv(env, options);
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
  return { chain, rpcUrl, privateKey: privateKey as Hex | undefined, address };
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
