/**
 * The settler's chain from the environment: NOOB_CHAIN, NOOB_RPC_URL, NOOB_PRIVATE_KEY (the
 * settler's key: required here), NOOB_SETTLEMENT_ADDRESS (required here) and the optional
 * NOOB_SETTLEMENT_FROM_BLOCK (where to search its past posts from). Shared by the Lambda
 * and `noob settle`.
 */
import type { Address } from 'viem';
import {
  createSettlementClients,
  loadSettlementConfig,
  type SettlementConfig,
} from '../../contracts/client/chains.ts';
import type { SettlementChain } from './chain.ts';
import { SettlementConfigError } from './errors.ts';

/** Builds the settler's clients; throws a {@link SettlementConfigError} naming the variable. */
export function settlementChainFromEnv(env: Record<string, string | undefined>): SettlementChain {
  let config: SettlementConfig & { readonly address: Address };
  try {
    config = loadSettlementConfig(env, { requireAddress: true });
  } catch (error) {
    throw new SettlementConfigError((error as Error).message, { cause: error });
  }
  if (!config.privateKey)
    throw new SettlementConfigError(
      "NOOB_PRIVATE_KEY is not set: the settlement function signs batches with the settler's key (0x + 64 hex)",
    );
  let clients: ReturnType<typeof createSettlementClients>;
  try {
    clients = createSettlementClients(config);
  } catch {
    // No cause kept: the curve library's message spells the key out as a number.
    throw new SettlementConfigError(
      'NOOB_PRIVATE_KEY is not a valid secp256k1 private key (0x + 64 hex, below the curve order)',
    );
  }
  const { reader, wallet } = clients;
  const fromBlock = env.NOOB_SETTLEMENT_FROM_BLOCK;
  if (fromBlock !== undefined && fromBlock !== '' && !/^\d+$/.test(fromBlock))
    throw new SettlementConfigError(
      `NOOB_SETTLEMENT_FROM_BLOCK must be a block number (the contract's deployment block), got "${fromBlock}"`,
    );
  return {
    reader,
    wallet: wallet!,
    address: config.address,
    ...(fromBlock ? { fromBlock: BigInt(fromBlock) } : {}),
  };
}
