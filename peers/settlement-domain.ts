import { type Address, getAddress, isAddress } from 'viem';
import { type SettlementChainName, settlementChains } from '../contracts/client/chains.ts';
import type { SettlementDomain } from '../contracts/client/eip712.ts';
import { PeerError } from './errors.ts';

/**
 * The EIP-712 domain a peer signs its answers in, and a coordinator checks them in: the
 * settlement contract's chain id and address. Both come from the environment the rest of
 * the settlement configuration uses (`NOOB_CHAIN`, a chain name of `settlementChains`, and
 * `NOOB_SETTLEMENT_ADDRESS`), without the RPC URL or a key: signing and checking a
 * signature never talk to the chain. Undefined when neither is set (no settlement here);
 * one without the other, or a malformed one, is a {@link PeerError} naming the variable.
 */
export function settlementDomainFromEnv(
  env: Record<string, string | undefined> = process.env,
): SettlementDomain | undefined {
  const chain = env.NOOB_CHAIN || undefined;
  const address = env.NOOB_SETTLEMENT_ADDRESS || undefined;
  if (chain === undefined && address === undefined) return undefined;
  if (chain === undefined || !Object.hasOwn(settlementChains, chain))
    throw new PeerError(
      `NOOB_CHAIN must name the settlement contract's chain, one of ${Object.keys(settlementChains).join(', ')} (got ${chain ?? 'nothing'})`,
      { details: 'Signed answers are bound to that chain and contract (EIP-712 domain).' },
    );
  if (address === undefined || !isAddress(address, { strict: false }))
    throw new PeerError(
      `NOOB_SETTLEMENT_ADDRESS must be the settlement contract's 0x address (got ${address ?? 'nothing'})`,
      { details: 'Signed answers are bound to that chain and contract (EIP-712 domain).' },
    );
  return {
    chainId: settlementChains[chain as SettlementChainName].id,
    verifyingContract: getAddress(address) as Address,
  };
}
