/**
 * A 'posting' batch's kept transaction (settlement_batches.tx_raw) and whether it can still
 * be mined: it can as long as the chain has mined no transaction of its sender at its
 * nonce. Once one was, and it was not this one, it never can be: only then may the batch
 * be signed again at another nonce without risking two posts. "Was mined" is read
 * `confirmations` blocks below the head, so that a node lagging behind the one that
 * answered (behind a load balancer), or a reorganisation, shallower than that cannot hide
 * that the transaction which took the nonce was this one.
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
  /** Transactions of `from` mined as of the head: past `nonce`, the nonce was taken. */
  readonly mined: number;
  /** The nonce was taken `confirmations` blocks deep: the kept transaction is dead for good. */
  readonly taken: boolean;
  /** The nonce was taken, but not that deep yet: wait before signing again. */
  readonly takenRecently: boolean;
}

/**
 * Reads the kept transaction's sender and nonce, and the sender's mined transaction count
 * now and `confirmations` blocks ago. Call it BEFORE looking for the kept transaction's
 * receipt: a nonce taken by then while the transaction has no receipt after it was taken
 * by another one (read in the other order, this one could be mined in between and look
 * like another).
 */
export async function keptNonce(
  chain: SettlementChain,
  raw: Hex,
  confirmations: number,
): Promise<KeptNonce> {
  const { nonce = 0 } = parseTransaction(raw);
  const from = await recoverTransactionAddress({
    serializedTransaction: raw as Parameters<
      typeof recoverTransactionAddress
    >[0]['serializedTransaction'],
  });
  const head = await chain.reader.getBlockNumber({ cacheTime: 0 });
  const mined = await chain.reader.getTransactionCount({ address: from, blockNumber: head });
  const deep = head >= BigInt(confirmations) ? head - BigInt(confirmations) : undefined;
  const settled =
    deep === undefined
      ? 0
      : await chain.reader.getTransactionCount({ address: from, blockNumber: deep });
  return {
    from,
    nonce,
    mined,
    taken: settled > nonce,
    takenRecently: mined > nonce && settled <= nonce,
  };
}

/** A kept transaction that can never be mined, for the log and the pass's summary. */
export function takenReason(hash: Hash | null, kept: KeptNonce): string {
  return `its transaction ${hash ?? '(no hash on record)'} can never be mined: ${kept.from}'s nonce ${kept.nonce} was taken by another transaction (${kept.mined} mined)`;
}

/** A kept transaction whose nonce was taken too recently to sign the batch again yet. */
export function takenRecentlyReason(
  hash: Hash | null,
  kept: KeptNonce,
  confirmations: number,
): string {
  return `${takenReason(hash, kept)}; it is signed again once that is ${confirmations} blocks deep`;
}
