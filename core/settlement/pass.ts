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
import type { Address, Hex } from 'viem';
import { buildBatch } from '../../contracts/client/batch.ts';
import type { QueueDriver } from '../queue/backend.ts';
import type { SettlementChain } from './chain.ts';
import { checkEscrow, unpayableWorkers } from './checks.ts';
import { awaitPost, type PostingBatch } from './outcome.ts';
import { recordPosting, sendPost, signPost } from './post.ts';
import { recoverPosting } from './recover.ts';
import { inTreeOrder, type ResultRow, toSettled, unbatchedEscrows, unbatchedRows } from './rows.ts';
import type { PostedBatch, SettleSummary } from './summary.ts';

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
  const timing = { timeoutMs: options.receiptTimeoutMs ?? 120_000, now: options.now ?? Date.now };
  const log = options.log ?? (() => {});
  const summary: SettleSummary = { posted: [], waiting: [], pending: [] };

  for (const recovery of await recoverPosting(driver, chain, timing)) {
    const { batch, outcome } = recovery;
    if (outcome.state === 'posted') {
      summary.posted.push(postedOf(batch, outcome, recovery.via as PostedBatch['how']));
      log(
        `batch ${batch.id} (escrow ${batch.escrow}) recovered by ${recovery.via}: chain batch ${outcome.chainBatchId}`,
      );
    } else if (outcome.state === 'pending') {
      summary.pending.push({ id: batch.id, escrow: batch.escrow, txHash: outcome.txHash });
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
    const rows = await unbatchedRows(driver, escrow, maxBatchRows * maxBatches);
    const check = await checkEscrow(chain, escrow);
    if (!check.ok) {
      wait(rows.length, check.reason);
      continue;
    }
    const payable = await payableRows(chain, rows, wait);
    let left = check.escrow;
    for (let start = 0; start < payable.length; start += maxBatchRows) {
      if (options.signal?.aborted) break;
      const chunk = inTreeOrder(payable.slice(start, start + maxBatchRows));
      const batch = buildBatch(toSettled(chunk));
      if (batch.total > left) {
        wait(
          payable.length - start,
          `job ${escrow}'s escrow holds ${left} wei, the next batch needs ${batch.total}: its submitter has to fund it (fundJob)`,
        );
        break;
      }
      const signed = await signPost(chain, escrow, batch);
      const id = await recordPosting(driver, {
        escrow,
        batch,
        rows: chunk,
        hash: signed.hash,
        now: timing.now(),
      });
      await sendPost(chain, signed);
      const posting: PostingBatch = {
        id,
        escrow,
        root: batch.root,
        total: batch.total,
        taskCount: batch.taskCount,
        txHash: signed.hash,
      };
      const outcome = await awaitPost(driver, chain, posting, signed.hash, timing);
      if (outcome.state === 'pending') {
        summary.pending.push({ id, escrow, txHash: outcome.txHash });
        break;
      }
      if (outcome.state === 'reverted') {
        wait(chunk.length, `postBatch reverted in ${outcome.txHash}`);
        break;
      }
      summary.posted.push(postedOf(posting, outcome, 'posted'));
      log(
        `escrow ${escrow}: posted chain batch ${outcome.chainBatchId}, ${batch.taskCount} results, ${batch.total} wei`,
      );
      left -= batch.total;
    }
  }
  return summary;
}

/** The rows whose workers may be paid now; the others are reported to `wait` by worker. */
async function payableRows(
  chain: SettlementChain,
  rows: readonly ResultRow[],
  wait: (rows: number, reason: string, worker?: Address) => void,
): Promise<ResultRow[]> {
  const workers = [...new Set(rows.map((row) => row.worker))];
  const reasons = await unpayableWorkers(chain, workers);
  for (const [worker, reason] of reasons) {
    wait(rows.filter((row) => row.worker === worker).length, reason, worker);
  }
  return rows.filter((row) => !reasons.has(row.worker));
}

function postedOf(
  batch: PostingBatch,
  outcome: { txHash: Hex; chainBatchId: bigint; challengeEnd: number },
  how: PostedBatch['how'],
): PostedBatch {
  return {
    id: batch.id,
    escrow: batch.escrow,
    root: batch.root,
    total: batch.total.toString(),
    taskCount: batch.taskCount,
    chainBatchId: outcome.chainBatchId.toString(),
    txHash: outcome.txHash,
    challengeEnd: outcome.challengeEnd,
    how,
  };
}
