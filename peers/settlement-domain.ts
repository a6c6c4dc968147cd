import { settlementContractFromEnv } from '../contracts/client/contract-env.ts';
import type { SettlementDomain } from '../contracts/client/eip712.ts';

/**
 * The EIP-712 domain a peer signs its answers in, and a coordinator checks them in: the
 * settlement contract's chain id and address. Both come from the environment the rest of
 * the settlement configuration uses (`NOOB_CHAIN`, a chain name of `settlementChains`, and
 * `NOOB_SETTLEMENT_ADDRESS`), parsed as the settler parses them, without the RPC URL or a
 * key: signing and checking a signature never talk to the chain. Undefined when neither is
 * set (no settlement here); one without the other, or a malformed one, is the settler's
 * `ConfigError` naming the variable.
 */
export function settlementDomainFromEnv(
  env: Record<string, string | undefined> = process.env,
): SettlementDomain | undefined {
  if (!env.NOOB_CHAIN && !env.NOOB_SETTLEMENT_ADDRESS) return undefined;
  const { chain, address } = settlementContractFromEnv(env, {
    requireAddress: true,
    purpose: 'Signed answers are bound to that chain and contract (EIP-712 domain).',
  });
  return { chainId: chain.id, verifyingContract: address };
}
