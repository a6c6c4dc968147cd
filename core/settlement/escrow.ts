/**
 * Settling one escrow within a pass: check its on-chain job, leave out workers who may not
 * be paid, and post the rest oldest first in batches, each signed, recorded with its rows,
 * sent and awaited (post.ts) before the next, while the escrow covers them.
 */
import type { Address, Hex } from 'viem';
import { buildBatch } from '../../contracts/client/batch.ts';
import type { QueueDriver } from '../queue/backend.ts';
import type { SettlementChain } from './chain.ts';
import { checkEscrow, unpayableWorkers } from './checks.ts';
import { awaitPost, type PostingBatch } from './outcome.ts';
import { recordPosting, sendPost, signPost } from './post.ts';
import { inTreeOrder, type ResultRow, toSettled, unbatchedRows } from './rows.ts';
import { postedOf, type SettleSummary } from './summary.ts';

/** What {@link settleEscrow} works with: the pass's bounds, its summary and reporters. */
export interface EscrowPass {
  readonly maxBatchRows: number;
  readonly maxBatches: number;
  readonly timing: { timeoutMs: number; now: () => number };
  readonly summary: SettleSummary;
  /** Records results that wait, and why (`worker` when the reason is that worker's). */
  readonly wait: (rows: number, reason: string, worker?: Address) => void;
  readonly log: (line: string) => void;
  readonly signal?: AbortSignal;
}

/** Posts `escrow`'s payable results; see the module comment. */
export async function settleEscrow(
  driver: QueueDriver,
  chain: SettlementChain,
  escrow: Hex,
  pass: EscrowPass,
): Promise<void> {
  const { maxBatchRows, timing, summary, wait } = pass;
  const rows = await unbatchedRows(driver, escrow, maxBatchRows * pass.maxBatches);
  const check = await checkEscrow(chain, escrow);
  if (!check.ok) {
    wait(rows.length, check.reason);
    return;
  }
  const payable = await payableRows(chain, rows, wait);
  let left = check.escrow;
  for (let start = 0; start < payable.length; start += maxBatchRows) {
    if (pass.signal?.aborted) return;
    const chunk = inTreeOrder(payable.slice(start, start + maxBatchRows));
    const batch = buildBatch(toSettled(chunk));
    if (batch.total > left) {
      wait(
        payable.length - start,
        `job ${escrow}'s escrow holds ${left} wei, the next batch needs ${batch.total}: its submitter has to fund it (fundJob)`,
      );
      return;
    }
    const signed = await signPost(chain, escrow, batch);
    const now = timing.now();
    const id = await recordPosting(driver, { escrow, batch, rows: chunk, signed, now });
    await sendPost(chain, signed);
    const { root, total, taskCount } = batch;
    const posting: PostingBatch = { id, escrow, root, total, taskCount, txHash: signed.hash };
    const outcome = await awaitPost(driver, chain, posting, signed.hash, timing);
    if (outcome.state === 'pending') {
      summary.pending.push({ id, escrow, txHash: outcome.txHash });
      return;
    }
    if (outcome.state === 'reverted') {
      wait(chunk.length, `postBatch reverted in ${outcome.txHash}`);
      return;
    }
    summary.posted.push(postedOf(posting, outcome, 'posted'));
    pass.log(
      `escrow ${escrow}: posted chain batch ${outcome.chainBatchId}, ${taskCount} results, ${total} wei`,
    );
    left -= total;
  }
}

/** The most wei an escrow holds (a uint96 on chain): a result paying more is never posted. */
const MAX_ESCROW = 2n ** 96n - 1n;

/**
 * The rows whose workers may be paid now; the others are reported to `wait` by worker. A
 * row no escrow can pay waits on its own: left in, it would hold every later row of its
 * escrow back (a batch that does not fit is not cut).
 */
async function payableRows(
  chain: SettlementChain,
  rows: readonly ResultRow[],
  wait: (rows: number, reason: string, worker?: Address) => void,
): Promise<ResultRow[]> {
  const tooLarge = rows.filter((row) => row.reward > MAX_ESCROW);
  for (const worker of new Set(tooLarge.map((row) => row.worker))) {
    const count = tooLarge.filter((row) => row.worker === worker).length;
    const reason = `worker ${worker}'s reward is more than an escrow can hold (uint96, ${MAX_ESCROW} wei): such results can never be posted`;
    wait(count, reason, worker);
  }
  const fitting = rows.filter((row) => row.reward <= MAX_ESCROW);
  const workers = [...new Set(fitting.map((row) => row.worker))];
  const reasons = await unpayableWorkers(chain, workers);
  for (const [worker, reason] of reasons) {
    wait(fitting.filter((row) => row.worker === worker).length, reason, worker);
  }
  return fitting.filter((row) => !reasons.has(row.worker));
}
