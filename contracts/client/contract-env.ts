/**
 * Which settlement contract a deployment names: its chain (`NOOB_CHAIN`, by name) and its
 * address (`NOOB_SETTLEMENT_ADDRESS`). One parser for every reader of the pair — the
 * settler (`loadSettlementConfig`), the peers that sign answers and the coordinators that
 * check them (`peers/settlement-domain.ts`) — so a value is refused alike everywhere,
 * with one error type and one message naming the variable and what was wrong. A value
 * is never repeated in a message unless it looks like a chain name: a private key pasted
 * into the wrong variable must not reach a log.
 */
import { type Address, type Chain, getAddress, isAddress } from 'viem';
import { arbitrum, base, foundry, mainnet, optimism, polygon } from 'viem/chains';
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

/** The contract named by the environment; `address` is checksummed. */
export interface SettlementContract<A extends Address | undefined = Address | undefined> {
  readonly chain: Chain;
  readonly address: A;
}

/** Options of {@link settlementContractFromEnv}. */
export interface SettlementContractOptions {
  /** Whether `NOOB_SETTLEMENT_ADDRESS` must be set (else an unset one is `undefined`). */
  requireAddress?: boolean;
  /** Why the caller needs the pair, for the error's details. */
  purpose?: string;
}

/**
 * Reads `NOOB_CHAIN` (required: one of {@link settlementChains}' names) and
 * `NOOB_SETTLEMENT_ADDRESS` (a 0x address; required if `requireAddress`) from `env`. An
 * empty variable is an unset one. Throws a `ConfigError` naming the variable.
 */
export function settlementContractFromEnv(
  env: Record<string, string | undefined>,
  options: SettlementContractOptions & { requireAddress: true },
): SettlementContract<Address>;
export function settlementContractFromEnv(
  env: Record<string, string | undefined>,
  options?: SettlementContractOptions,
): SettlementContract;
export function settlementContractFromEnv(
  env: Record<string, string | undefined>,
  options: SettlementContractOptions = {},
): SettlementContract {
  const fail = (message: string) =>
    new ConfigError(message, options.purpose ? { details: options.purpose } : {});
  const name = env.NOOB_CHAIN || undefined;
  const names = Object.keys(settlementChains).join(', ');
  if (name === undefined)
    throw fail(`NOOB_CHAIN is not set: name the settlement contract's chain, one of ${names}.`);
  if (!Object.hasOwn(settlementChains, name))
    throw fail(
      `NOOB_CHAIN names no chain noob settles on (got ${shown(name)}): use one of ${names}.`,
    );
  const address = env.NOOB_SETTLEMENT_ADDRESS || undefined;
  if (address === undefined) {
    if (options.requireAddress)
      throw fail(
        "NOOB_SETTLEMENT_ADDRESS is not set: give the settlement contract's 0x address (40 hex digits).",
      );
  } else if (!/^0x[0-9a-fA-F]{40}$/.test(address)) {
    throw fail(
      `NOOB_SETTLEMENT_ADDRESS is not a 0x address of 40 hex digits (got ${address.length} characters): give the settlement contract's address.`,
    );
  } else if (!isAddress(address)) {
    throw fail(
      'NOOB_SETTLEMENT_ADDRESS does not match its EIP-55 checksum (its mixed case has a typo): copy the address again, or write it all in lower case.',
    );
  }
  return {
    chain: settlementChains[name as SettlementChainName],
    address: address === undefined ? undefined : getAddress(address),
  };
}

/** A value for a message: quoted if it looks like a chain name, else only its length. */
function shown(value: string): string {
  return /^[A-Za-z0-9_-]{1,24}$/.test(value) ? `"${value}"` : `${value.length} characters`;
}
