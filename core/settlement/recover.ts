/**
 * Recovering batches a settler left 'posting' (it died, or its transaction was still
 * pending when its pass ended), before a pass makes new ones. Never two batches for the
 * same rows: a batch is posted again only when its recorded transaction is unknown to the
 * chain AND no `BatchPosted(jobId = escrow, root)` event is there.
 */
import {
  type Hash,
  type Hex,
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

/** How a 'posting' batch was resolved. */
export interface Recovery {
  readonly batch: PostingBatch;
  /** receipt: its transaction was mined or pending; log: its event was found; reposted; released: it cannot be posted now. */
  readonly via: 'receipt' | 'log' | 'reposted' | 'released';
  readonly outcome:
    | PostOutcome
    | { state: 'released'; reason: string }
    | { state: 'failed'; reason: string };
}

/** Options of {@link recoverPosting}. */
export interface RecoverOptions {
  readonly timeoutMs: number;
  readonly now: () => number;
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
    const batch: PostingBatch = {
      id: Number(row.id),
      escrow: String(row.escrow) as Hex,
      root: String(row.root) as Hex,
      total: BigInt(String(row.total)),
      taskCount: Number(row.task_count),
      txHash: row.tx_hash === null ? null : (String(row.tx_hash) as Hash),
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
  batch: PostingBatch,
  options: RecoverOptions,
): Promise<Recovery> {
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
  // The transaction never reached the chain: post the same rows again, once.
  const check = await checkEscrow(chain, batch.escrow);
  if (!check.ok) {
    await releaseBatch(driver, batch.id);
    return { batch, via: 'released', outcome: { state: 'released', reason: check.reason } };
  }
  const rebuilt = await rebuildBatch(driver, batch);
  const signed = await signPost(chain, batch.escrow, rebuilt);
  const [changed] = await driver.batch([
    sql('settlement_batch_resign', { id: batch.id, old_hash: batch.txHash, tx_hash: signed.hash }),
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
    outcome: await awaitPost(driver, chain, batch, signed.hash, options),
  };
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
