/**
 * Challenge evidence: two different results for the same task CID, both signed by one
 * worker. Checked here before a challenger risks its bond, with the same rules the
 * contract applies (a failed check on chain forfeits the bond).
 */
import { type Address, type Hex, hexToBigInt, size, slice } from 'viem';
import { type SettlementDomain, type SignedResult, verifyResult } from './eip712.ts';
import { EvidenceError } from './errors.ts';
import { cidHash } from './leaves.ts';

/** The contract's `Evidence` argument. */
export interface EvidenceArgument {
  readonly resultA: Hex;
  readonly signatureA: Hex;
  readonly resultB: Hex;
  readonly signatureB: Hex;
}

/** Half the secp256k1 order: the contract refuses signatures with s above it. */
const HALF_ORDER = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n;

/** Whether a signature has the one form the contract accepts: 65 bytes, low s, v of 27 or 28. */
export function isCanonicalSignature(signature: Hex): boolean {
  if (size(signature) !== 65) return false;
  const s = hexToBigInt(slice(signature, 32, 64));
  const v = hexToBigInt(slice(signature, 64, 65));
  return s <= HALF_ORDER && (v === 27n || v === 28n);
}

/** Packs two signed results as a challenge argument, without checking them. */
export function toEvidence(a: SignedResult, b: SignedResult): EvidenceArgument {
  return {
    resultA: cidHash(a.resultCid),
    signatureA: a.signature,
    resultB: cidHash(b.resultCid),
    signatureB: b.signature,
  };
}

/**
 * Checks that `a` and `b` are conflicting results of one task, both signed by `worker`, and
 * packs them. Throws an `EvidenceError` saying which check failed.
 */
export async function buildEvidence(
  settlement: SettlementDomain,
  worker: Address,
  a: SignedResult,
  b: SignedResult,
): Promise<EvidenceArgument> {
  if (cidHash(a.taskCid) !== cidHash(b.taskCid)) {
    throw new EvidenceError(
      'The two results are for different tasks; evidence needs one task CID.',
    );
  }
  if (cidHash(a.resultCid) === cidHash(b.resultCid)) {
    throw new EvidenceError(
      'The two results are identical; only conflicting results are evidence.',
    );
  }
  for (const signed of [a, b]) {
    if (
      !isCanonicalSignature(signed.signature) ||
      !(await verifyResult(settlement, worker, signed))
    ) {
      throw new EvidenceError(
        `A signature is not ${worker}'s over its result; the bond would be lost.`,
      );
    }
  }
  return toEvidence(a, b);
}
