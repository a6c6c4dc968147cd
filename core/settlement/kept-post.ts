/**
 * A 'posting' batch's kept transaction (settlement_batches.tx_raw) and whether it can still
 * be mined: it can as long as the chain has mined no transaction of its sender at its
 * nonce. Once one was, and it was not this one, it never can be: only then may the batch
 * be signed again at another nonce without risking two posts.
 */
import {
  type Address,
  type Hash,
  type Hex,
  parseTransaction,
  recoverTransactionAddress,
} from 'viem';
import type { SettlementChain } from './chain.ts';

/** What the chain says about a kept transaction's nonce, read at one moment. */
export interface KeptNonce {
  readonly from: Address;
  readonly nonce: number;
  /** Transactions of `from` mined so far: past `nonce`, the nonce was taken. */
  readonly mined: number;
  readonly taken: boolean;
}

/**
 * Reads the kept transaction's sender and nonce, and the sender's mined transaction count
 * now. Call it BEFORE looking for the kept transaction's receipt: a nonce taken by then
 * while the transaction has no receipt after it was taken by another one (read in the
 * other order, this one could be mined in between and look like another).
 */
export async function keptNonce(chain: SettlementChain, raw: Hex): Promise<KeptNonce> {
  const { nonce } = parseTransaction(raw);
  const from = await recoverTransactionAddress({
    serializedTransaction: raw as Parameters<
      typeof recoverTransactionAddress
    >[0]['serializedTransaction'],
  });
  const mined = await chain.reader.getTransactionCount({ address: from, blockTag: 'latest' });
  return { from, nonce: nonce ?? 0, mined, taken: mined > (nonce ?? 0) };
}

/** A kept transaction that can never be mined, for the log and the pass's summary. */
export function takenReason(hash: Hash | null, kept: KeptNonce): string {
  return `its transaction ${hash ?? '(no hash on record)'} can never be mined: ${kept.from}'s nonce ${kept.nonce} was taken by another transaction (${kept.mined} mined)`;
}
