import { CID } from 'multiformats/cid';
import { type Address, createWalletClient, custom, type Hex, isHex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import {
  type SettlementDomain,
  type SignedResult,
  signResult,
  verifyResult,
} from '../contracts/client/eip712.ts';
import { isCanonicalSignature } from '../contracts/client/evidence.ts';
import { PeerError } from './errors.ts';
import { settlementDomainFromEnv } from './settlement-domain.ts';

/**
 * A peer's payout key: the EVM account its rewards are paid to. Its address is announced
 * in the peer's presence, and every answer the peer gives (a trusted result, a quorum
 * reveal) carries the account's EIP-712 signature over `Result(taskCid, resultCid)` in
 * the settlement contract's domain: what a coordinator checks before recording the call
 * for payment, and what makes a paid answer challengeable on chain if the peer ever signs
 * another result for the same task. CIDs are signed as their binary bytes (CIDv1).
 */
export class PayoutSigner {
  readonly address: Address;
  readonly domain: SettlementDomain;
  readonly #wallet: Parameters<typeof signResult>[0];

  constructor(privateKey: Hex, domain: SettlementDomain) {
    const account = privateKeyToAccount(privateKey);
    this.address = account.address;
    this.domain = domain;
    // Signing with a local key makes no RPC call: a transport that refuses any says so.
    this.#wallet = createWalletClient({
      account,
      transport: custom({
        request: async () => {
          throw new PeerError('a payout signer talks to no chain');
        },
      }),
    });
  }

  /** This account's signature over the result `result` (CID) of the task `task` (CID). */
  async sign(task: string, result: string): Promise<Hex> {
    const signed = await signResult(this.#wallet, this.domain, cidOf(task), cidOf(result));
    return signed.signature;
  }
}

/**
 * Whether `signature` is `payout`'s signature over (task, result) in `domain`: false for
 * anything malformed (a CID or signature that does not parse), never a throw. Only the one
 * form the contract takes as challenge evidence counts (low s, v of 27 or 28): a paid
 * answer's kept signature must be usable against its worker on chain.
 */
export async function verifyAnswer(
  domain: SettlementDomain,
  payout: Address,
  task: string,
  result: string,
  signature: Hex,
): Promise<boolean> {
  try {
    if (!isCanonicalSignature(signature)) return false;
    const signed: SignedResult = { taskCid: cidOf(task), resultCid: cidOf(result), signature };
    return await verifyResult(domain, payout, signed);
  } catch {
    return false;
  }
}

/** A CID's text (base32 CIDv1) as the bytes EIP-712 signs. */
function cidOf(text: string): CID {
  return CID.parse(text) as CID;
}

/**
 * The payout signer `NOOB_PAYOUT_KEY` (a 0x-prefixed 32-byte hex private key) makes, in
 * the domain of {@link settlementDomainFromEnv}; undefined when no key is set. A key
 * without a domain signs nothing (`warning` says so: the peer runs, unpaid). A malformed
 * key is a {@link PeerError} that does not repeat it (it is a secret).
 */
export function payoutFromEnv(env: Record<string, string | undefined> = process.env): {
  signer?: PayoutSigner;
  warning?: string;
} {
  const key = env.NOOB_PAYOUT_KEY;
  if (!key) return {};
  if (!(isHex(key, { strict: true }) && key.length === 66))
    throw new PeerError(
      `NOOB_PAYOUT_KEY is not a private key: it must be 0x followed by 64 hex digits (got ${key.length} characters)`,
      { details: 'Set it to the hex private key of the account rewards are paid to.' },
    );
  const domain = settlementDomainFromEnv(env);
  if (!domain)
    return {
      warning:
        'NOOB_PAYOUT_KEY is set but NOOB_CHAIN and NOOB_SETTLEMENT_ADDRESS are not: this peer signs nothing and is paid nothing',
    };
  try {
    return { signer: new PayoutSigner(key as Hex, domain) };
  } catch {
    // viem's message could quote the key.
    throw new PeerError('NOOB_PAYOUT_KEY is not a valid secp256k1 private key', {
      details: 'Set it to the hex private key of the account rewards are paid to.',
    });
  }
}

/**
 * The `signature` field an answer of (task, result) carries: signed by `signer`, or none
 * without one (the answer still counts; it is just not paid).
 */
export async function signatureField(
  signer: PayoutSigner | undefined,
  task: string,
  result: string,
): Promise<{ signature?: Hex }> {
  return signer ? { signature: await signer.sign(task, result) } : {};
}
