/**
 * The settlement pass: recover batches a dead settler left 'posting', then, for each escrow
 * with results in no batch, check the on-chain job and the workers, and post the payable
 * results in batches of at most `maxBatchRows`. Each batch is signed, recorded with its rows
 * in one database transaction, sent, and recorded 'posted' once mined (see post.ts).
 *
 * @example
 * ```ts
 * const summary = await settle(queue.driver, { reader, wallet, address });
 * // { posted: [{ chainBatchId: '1', total: '300000000000000000', … }], waiting: [], pending: [] }
 * ```
 */
import type { Address } from 'viem';
import type { QueueDriver } from '../queue/backend.ts';
import { storeMissingAllocations } from './backfill.ts';
import type { SettlementChain } from './chain.ts';
import { describeError } from './errors.ts';
import { settleEscrow } from './escrow.ts';
import { recoverPosting } from './recover.ts';
import { unbatchedEscrows } from './rows.ts';
import { type PostedBatch, postedOf, type SettleSummary } from './summary.ts';

/** Bounds and hooks of a pass; every field has a default. */
export interface SettleOptions {
  /** Most results in one batch (default 256): a claim proves one allocation per batch. */
  readonly maxBatchRows?: number;
  /** Most batches per escrow in one pass (default 16). */
  readonly maxBatchesPerEscrow?: number;
  /** Most escrows looked at in one pass (default 100). */
  readonly maxEscrows?: number;
  /** How long to wait for a sent transaction to be mined (ms, default 120,000); past it the batch stays 'posting' for the next pass. */
  readonly receiptTimeoutMs?: number;
  /**
   * Blocks under which a nonce taken by another transaction must be before a lost post is
   * signed again at a new nonce (default 12): a lagging node or a reorganisation shallower
   * than that cannot make a post of ours that took it look like another's.
   */
  readonly confirmations?: number;
  /** Most batches made before migration 0051 whose allocations one pass stores (default 8). */
  readonly backfillBatches?: number;
  /** Time source for the rows' timestamps (ms). */
  readonly now?: () => number;
  /** Told each batch posted and each reason results wait (default: nothing). */
  readonly log?: (line: string) => void;
  /** Aborted: the pass stops before its next batch (a Lambda near its time limit). */
  readonly signal?: AbortSignal;
}

/** One settlement pass over the queue's unbatched results; see the module comment. */
export async function settle(
  driver: QueueDriver,
  chain: SettlementChain,
  options: SettleOptions = {},
): Promise<SettleSummary> {
  const maxBatchRows = options.maxBatchRows ?? 256;
  const maxBatches = options.maxBatchesPerEscrow ?? 16;
  const timing = {
    timeoutMs: options.receiptTimeoutMs ?? 120_000,
    now: options.now ?? Date.now,
    confirmations: options.confirmations ?? 12,
  };
  const log = options.log ?? (() => {});
  const summary: SettleSummary = { posted: [], waiting: [], pending: [] };

  for (const recovery of await recoverPosting(driver, chain, timing)) {
    const { batch, outcome, replaced } = recovery;
    if (replaced) log(`batch ${batch.id} (escrow ${batch.escrow}): ${replaced}`);
    if (outcome.state === 'posted') {
      const posted = postedOf(batch, outcome, recovery.via as PostedBatch['how']);
      summary.posted.push(replaced ? { ...posted, replaced } : posted);
      log(
        `batch ${batch.id} (escrow ${batch.escrow}) recovered by ${recovery.via}: chain batch ${outcome.chainBatchId}`,
      );
    } else if (outcome.state === 'pending') {
      summary.pending.push({ id: batch.id, escrow: batch.escrow, txHash: outcome.txHash });
    } else if (outcome.state === 'failed') {
      summary.pending.push({
        id: batch.id,
        escrow: batch.escrow,
        txHash: batch.txHash,
        reason: outcome.reason,
      });
      log(`batch ${batch.id} (escrow ${batch.escrow}) stays 'posting': ${outcome.reason}`);
    } else {
      const reason =
        outcome.state === 'released' ? outcome.reason : `postBatch reverted in ${outcome.txHash}`;
      summary.waiting.push({ escrow: batch.escrow, rows: batch.taskCount, reason });
      log(`batch ${batch.id} (escrow ${batch.escrow}) released: ${reason}`);
    }
  }

  for (const escrow of await unbatchedEscrows(driver, options.maxEscrows ?? 100)) {
    if (options.signal?.aborted) break;
    const wait = (rows: number, reason: string, worker?: Address) => {
      summary.waiting.push({ escrow, rows, reason, ...(worker ? { worker } : {}) });
      log(`escrow ${escrow}: ${rows} result${rows === 1 ? '' : 's'} wait: ${reason}`);
    };
    try {
      await settleEscrow(driver, chain, escrow, {
        maxBatchRows,
        maxBatches,
        timing,
        summary,
        wait,
        log,
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } catch (error) {
      // One escrow's failure (the contract refused the post, the node failed) is its own:
      // whatever was written stays consistent (a batch left 'posting' is recovered next
      // pass), and the other escrows are still settled.
      wait(0, `could not post: ${describeError(error)}`);
    }
  }
  // Last, with what time is left: claims of batches made before migration 0051.
  if (!options.signal?.aborted) {
    const signal = options.signal ? { signal: options.signal } : {};
    await storeMissingAllocations(driver, { limit: options.backfillBatches ?? 8, log, ...signal });
  }
  return summary;
}
