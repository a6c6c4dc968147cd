/**
 * What became of a 'posting' batch's transaction, recorded: posted (with what the chain
 * assigned), reverted (its rows go back to wait for a later pass), or still pending (left
 * 'posting' for the next pass to find).
 */
import {
  type Hash,
  type Hex,
  type TransactionReceipt,
  WaitForTransactionReceiptTimeoutError,
} from 'viem';
import { decodeSettlementEvents } from '../../contracts/client/events.ts';
import type { QueueDriver } from '../queue/backend.ts';
import { sql } from '../queue/sql.ts';
import type { SettlementChain } from './chain.ts';
import { PostMismatchError } from './errors.ts';

/** A batch written 'posting', as settlement_batches holds it. */
export interface PostingBatch {
  readonly id: number;
  readonly escrow: Hex;
  readonly root: Hex;
  readonly total: bigint;
  readonly taskCount: number;
  readonly txHash: Hash | null;
}

/** What a posting's transaction came to. */
export type PostOutcome =
  | { state: 'posted'; txHash: Hash; chainBatchId: bigint; challengeEnd: number }
  | { state: 'reverted'; txHash: Hash }
  | { state: 'pending'; txHash: Hash };

/** Waits up to `timeoutMs` for `hash` to be mined, then records the outcome. */
export async function awaitPost(
  driver: QueueDriver,
  chain: SettlementChain,
  batch: PostingBatch,
  hash: Hash,
  options: { timeoutMs: number; now: () => number },
): Promise<PostOutcome> {
  let receipt: TransactionReceipt;
  try {
    receipt = await chain.reader.waitForTransactionReceipt({
      hash,
      timeout: options.timeoutMs,
    });
  } catch (error) {
    if (error instanceof WaitForTransactionReceiptTimeoutError)
      return { state: 'pending', txHash: hash };
    throw error;
  }
  return recordReceipt(driver, batch, receipt, options.now());
}

/** Records a mined transaction's outcome for `batch`. */
export async function recordReceipt(
  driver: QueueDriver,
  batch: PostingBatch,
  receipt: TransactionReceipt,
  now: number,
): Promise<PostOutcome> {
  const txHash = receipt.transactionHash;
  if (receipt.status !== 'success') {
    // A reverted transaction took its own nonce: no settler signs the batch again.
    await releaseBatch(driver, batch.id, txHash);
    return { state: 'reverted', txHash };
  }
  const posted = decodeSettlementEvents(receipt.logs).find(
    (event) =>
      event.eventName === 'BatchPosted' &&
      event.args.jobId.toLowerCase() === batch.escrow.toLowerCase() &&
      event.args.root.toLowerCase() === batch.root.toLowerCase(),
  );
  if (posted?.eventName !== 'BatchPosted') {
    throw new PostMismatchError(`transaction ${txHash} did not post batch ${batch.id}`, {
      details: `it succeeded without a BatchPosted(jobId ${batch.escrow}, root ${batch.root}); the batch stays 'posting' for an operator to look at`,
    });
  }
  const outcome = {
    state: 'posted',
    txHash,
    chainBatchId: posted.args.batchId,
    challengeEnd: Number(posted.args.challengeEnd),
  } as const;
  await markPosted(driver, batch.id, outcome, now);
  return outcome;
}

/** Records `id` as posted with what the chain assigned. */
export async function markPosted(
  driver: QueueDriver,
  id: number,
  posted: { txHash: Hash; chainBatchId: bigint; challengeEnd: number },
  now: number,
): Promise<void> {
  await driver.batch([
    sql('settlement_batch_posted', {
      id,
      tx_hash: posted.txHash,
      chain_batch_id: posted.chainBatchId.toString(),
      challenge_end: posted.challengeEnd,
      now,
    }),
  ]);
}

/**
 * Drops a 'posting' batch nothing was posted for; its rows wait for a later pass. Only
 * while the batch still waits on `txHash`, the transaction the caller judged: a second
 * settler may have signed it again and posted it in the meantime (its rows and
 * allocations must then stay, or its workers could not claim and its results would be
 * batched again). Whether it was dropped.
 */
export async function releaseBatch(
  driver: QueueDriver,
  id: number,
  txHash: Hash | null,
): Promise<boolean> {
  const guard = { id, tx_hash: txHash };
  const [, , dropped] = await driver.batch([
    sql('settlement_results_release', guard),
    sql('settlement_allocations_delete', guard),
    sql('settlement_batch_delete', guard),
  ]);
  return dropped!.changes === 1;
}
