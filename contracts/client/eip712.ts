/**
 * EIP-712 result signing and verification. A worker signs `Result(bytes taskCid,bytes
 * resultCid)` for every result it returns; two such signatures over different results for
 * one task CID are the evidence that slashes it.
 */
import {
  type Account,
  type Address,
  type Chain,
  type Hex,
  hashTypedData,
  type Transport,
  toHex,
  verifyTypedData,
  type WalletClient,
} from 'viem';
import { type CidLike, cidBytes } from './leaves.ts';

/** The struct a worker signs, as declared in `ResultTypedData.sol`. */
export const resultTypes = {
  Result: [
    { name: 'taskCid', type: 'bytes' },
    { name: 'resultCid', type: 'bytes' },
  ],
} as const;

/** The EIP-712 domain of a settlement contract. */
export interface SettlementDomain {
  readonly chainId: number;
  readonly verifyingContract: Address;
}

function domain(d: SettlementDomain) {
  return { name: 'noob Settlement', version: '1', ...d } as const;
}

function message(taskCid: CidLike, resultCid: CidLike) {
  return { taskCid: toHex(cidBytes(taskCid)), resultCid: toHex(cidBytes(resultCid)) };
}

/** A result and the worker's signature over it. */
export interface SignedResult {
  readonly taskCid: CidLike;
  readonly resultCid: CidLike;
  readonly signature: Hex;
}

/** Signs a result with the wallet's account (a local key or a JSON-RPC account). */
export async function signResult(
  wallet: WalletClient<Transport, Chain | undefined, Account>,
  settlement: SettlementDomain,
  taskCid: CidLike,
  resultCid: CidLike,
): Promise<SignedResult> {
  const signature = await wallet.signTypedData({
    account: wallet.account,
    domain: domain(settlement),
    types: resultTypes,
    primaryType: 'Result',
    message: message(taskCid, resultCid),
  });
  return { taskCid, resultCid, signature };
}

/** Whether `signed` carries `worker`'s signature (EOA signatures; checked offline). */
export function verifyResult(
  settlement: SettlementDomain,
  worker: Address,
  signed: SignedResult,
): Promise<boolean> {
  return verifyTypedData({
    address: worker,
    domain: domain(settlement),
    types: resultTypes,
    primaryType: 'Result',
    message: message(signed.taskCid, signed.resultCid),
    signature: signed.signature,
  });
}

/** The digest the contract's `resultDigest` returns for the same result. */
export function resultDigest(
  settlement: SettlementDomain,
  taskCid: CidLike,
  resultCid: CidLike,
): Hex {
  return hashTypedData({
    domain: domain(settlement),
    types: resultTypes,
    primaryType: 'Result',
    message: message(taskCid, resultCid),
  });
}
