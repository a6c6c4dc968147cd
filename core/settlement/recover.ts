/**
 * Recovering batches a settler left 'posting' (it died, or its transaction was still
 * pending when its pass ended), before a pass makes new ones. Never two batches for the
 * same rows, and never two transactions that could both be mined: a batch whose
 * transaction the chain does not know, and whose `BatchPosted(jobId = escrow, root)` event
 * is not there, is sent again as the very transaction that was signed and kept with it
 * (its own nonce). It is signed anew only when that transaction can never be mined (its
 * nonce was taken by another transaction, `confirmations` blocks deep: kept-post.ts), or
 * when none was kept (batches written before migration 0052).
 */
import {
  type Hash,
  type Hex,
  keccak256,
  TransactionNotFoundError,
  type TransactionReceipt,
  TransactionReceiptNotFoundError,
} from 'viem';
import { settlementAbi } from '../../contracts/generated/Settlement.ts';
import type { QueueDriver } from '../queue/backend.ts';
import { sql } from '../queue/sql.ts';
import type { SettlementChain } from './chain.ts';
import { checkEscrow } from './checks.ts';
import { describeError } from './errors.ts';
import { type KeptNonce, keptNonce, takenReason, takenRecentlyReason } from './kept-post.ts';
import {
  awaitPost,
  markPosted,
  type PostingBatch,
  type PostOutcome,
  recordReceipt,
  releaseBatch,
} from './outcome.ts';
import { sendPost, signPost } from './post.ts';
import { rebuildBatch } from './rebuild.ts';

/** A 'posting' batch with the signed transaction kept with it (null before migration 0052). */
export interface KeptBatch extends PostingBatch {
  readonly raw: Hex | null;
}

/** How a 'posting' batch was resolved. */
export interface Recovery {
  readonly batch: KeptBatch;
  /**
   * receipt: its transaction was mined or pending; log: its event was found; resent: its
   * kept transaction was sent again; reposted: signed again (see `replaced`); released: it
   * cannot be posted now.
   */
  readonly via: 'receipt' | 'log' | 'resent' | 'reposted' | 'released';
  /** Set when its kept transaction can never be mined (its nonce was taken): why. */
  readonly replaced?: string;
  readonly outcome:
    | PostOutcome
    | { state: 'released'; reason: string }
    | { state: 'failed'; reason: string };
}

/** Options of {@link recoverPosting}. */
export interface RecoverOptions {
  readonly timeoutMs: number;
  readonly now: () => number;
  /** How deep a nonce taken by another transaction must be before a batch is signed again (kept-post.ts). */
  readonly confirmations: number;
}

/** Resolves every 'posting' batch, oldest first. */
export async function recoverPosting(
  driver: QueueDriver,
  chain: SettlementChain,
  options: RecoverOptions,
): Promise<Recovery[]> {
  const [result] = await driver.batch([sql('settlement_batches_posting', {})], 'read');
  const recoveries: Recovery[] = [];
  for (const row of result!.rows) {
    const batch: KeptBatch = {
      id: Number(row.id),
      escrow: String(row.escrow) as Hex,
      root: String(row.root) as Hex,
      total: BigInt(String(row.total)),
      taskCount: Number(row.task_count),
      txHash: row.tx_hash === null ? null : (String(row.tx_hash) as Hash),
      raw: row.tx_raw === null || row.tx_raw === undefined ? null : (String(row.tx_raw) as Hex),
    };
    try {
      recoveries.push(await recoverOne(driver, chain, batch, options));
    } catch (error) {
      // Left 'posting' (never re-posted on a doubt); the other batches are still recovered.
      const reason = describeError(error);
      recoveries.push({ batch, via: 'receipt', outcome: { state: 'failed', reason } });
    }
  }
  return recoveries;
}

async function recoverOne(
  driver: QueueDriver,
  chain: SettlementChain,
  batch: KeptBatch,
  options: RecoverOptions,
): Promise<Recovery> {
  // Read first: see keptNonce.
  const kept = batch.raw ? await keptNonce(chain, batch.raw, options.confirmations) : undefined;
  if (batch.txHash) {
    const receipt = await receiptOf(chain, batch.txHash);
    if (receipt) {
      return {
        batch,
        via: 'receipt',
        outcome: await recordReceipt(driver, batch, receipt, options.now()),
      };
    }
    if (await isKnown(chain, batch.txHash)) {
      return {
        batch,
        via: 'receipt',
        outcome: await awaitPost(driver, chain, batch, batch.txHash, options),
      };
    }
  }
  const logged = await findPosted(chain, batch);
  if (logged) {
    await markPosted(driver, batch.id, logged, options.now());
    return { batch, via: 'log', outcome: { state: 'posted', ...logged } };
  }
  if (kept?.takenRecently) {
    // Left 'posting' and said why; a later pass signs it again.
    const reason = takenRecentlyReason(batch.txHash, kept, options.confirmations);
    return { batch, via: 'receipt', outcome: { state: 'failed', reason } };
  }
  if (batch.raw && kept && !kept.taken) {
    // Lost on the way (never sent, or dropped by the node): the same transaction again.
    const hash = keccak256(batch.raw);
    await sendPost(chain, { raw: batch.raw, hash });
    return { batch, via: 'resent', outcome: await awaitPost(driver, chain, batch, hash, options) };
  }
  return repost(driver, chain, batch, kept, options);
}

/**
 * Posts a batch again with a new signed transaction: its kept one can never be mined
 * (`kept`, its nonce taken) or none was kept. Its job is checked again first (rows freed
 * with the reason if it can no longer be posted), and the new transaction is kept in place
 * of the old BEFORE it is sent.
 */
async function repost(
  driver: QueueDriver,
  chain: SettlementChain,
  batch: KeptBatch,
  kept: KeptNonce | undefined,
  options: RecoverOptions,
): Promise<Recovery> {
  const replaced = kept ? takenReason(batch.txHash, kept) : undefined;
  const noted = replaced ? { replaced } : {};
  const check = await checkEscrow(chain, batch.escrow);
  if (!check.ok) {
    if (!(await releaseBatch(driver, batch.id, batch.txHash))) return theirs(batch);
    const reason = replaced ? `${check.reason} (${replaced})` : check.reason;
    return { batch, via: 'released', ...noted, outcome: { state: 'released', reason } };
  }
  const rebuilt = await rebuildBatch(driver, batch);
  const signed = await signPost(chain, batch.escrow, rebuilt);
  const [changed] = await driver.batch([
    sql('settlement_batch_resign', {
      id: batch.id,
      old_hash: batch.txHash,
      tx_hash: signed.hash,
      tx_raw: signed.raw,
    }),
    // Not its allocations, for a batch made before they were stored: the pass's walk
    // (backfill.ts) stores them once it is posted. Stored here, they would be the lowest
    // the walk sees, and it looks only below that: the old posted batches above it would
    // keep being rebuilt for every claim.
  ]);
  if (changed!.changes !== 1) {
    // Another settler's pass got to this batch first: it is theirs to finish.
    return {
      batch,
      via: 'receipt',
      outcome: { state: 'pending', txHash: batch.txHash ?? signed.hash },
    };
  }
  await sendPost(chain, signed);
  return {
    batch,
    via: 'reposted',
    ...noted,
    outcome: await awaitPost(driver, chain, batch, signed.hash, options),
  };
}

/**
 * A batch another settler's pass changed while this one looked at it (signed it again, or
 * recorded it posted): left as it is, theirs to finish; the next pass reads it afresh.
 */
function theirs(batch: KeptBatch): Recovery {
  const reason = `another settler's pass signed it again or recorded it while this one checked its escrow: left to that pass`;
  return { batch, via: 'receipt', outcome: { state: 'failed', reason } };
}

async function receiptOf(
  chain: SettlementChain,
  hash: Hash,
): Promise<TransactionReceipt | undefined> {
  try {
    return await chain.reader.getTransactionReceipt({ hash });
  } catch (error) {
    if (error instanceof TransactionReceiptNotFoundError) return undefined;
    throw error;
  }
}

/** Whether the node knows `hash` (pending in its pool, or mined). */
async function isKnown(chain: SettlementChain, hash: Hash): Promise<boolean> {
  try {
    await chain.reader.getTransaction({ hash });
    return true;
  } catch (error) {
    if (error instanceof TransactionNotFoundError) return false;
    throw error;
  }
}

/** The `BatchPosted` event of this escrow with this root, if the chain has one. */
async function findPosted(chain: SettlementChain, batch: PostingBatch) {
  const events = await chain.reader.getContractEvents({
    address: chain.address,
    abi: settlementAbi,
    eventName: 'BatchPosted',
    args: { jobId: batch.escrow },
    fromBlock: chain.fromBlock ?? 0n,
    toBlock: 'latest',
  });
  const found = events.find((event) => event.args.root?.toLowerCase() === batch.root.toLowerCase());
  if (!found?.args.batchId || found.args.challengeEnd === undefined) return undefined;
  return {
    txHash: found.transactionHash,
    chainBatchId: found.args.batchId,
    challengeEnd: Number(found.args.challengeEnd),
  };
}
