/**
 * What a settlement pass did, as plain JSON (wei as decimal text): the Lambda's answer,
 * `noob settle`'s output, and what tests read.
 */
import type { Address, Hash, Hex } from 'viem';
import type { PostingBatch } from './outcome.ts';

/** A batch that is on chain now. */
export interface PostedBatch {
  /** settlement_batches.id */
  readonly id: number;
  readonly escrow: Hex;
  readonly root: Hex;
  /** Wei, decimal. */
  readonly total: string;
  readonly taskCount: number;
  /** The contract's batch id, decimal: what claims name. */
  readonly chainBatchId: string;
  readonly txHash: Hash;
  /** Unix seconds after which its workers can claim. */
  readonly challengeEnd: number;
  /**
   * How: posted by this pass, or recovered from a pass that died: 'receipt', 'log',
   * 'resent' (its kept transaction sent again), 'reposted' (signed again).
   */
  readonly how: 'posted' | 'receipt' | 'log' | 'resent' | 'reposted';
  /** Set when it was signed again because its kept transaction could never be mined: why. */
  readonly replaced?: string;
}

/** Results left for a later pass, and why. */
export interface WaitingResults {
  readonly escrow: Hex;
  /** Set when the reason is this worker's (the escrow's other rows may be posted). */
  readonly worker?: Address;
  readonly rows: number;
  readonly reason: string;
}

/**
 * A batch left 'posting': its transaction was sent but not mined within the pass's wait,
 * or its recovery failed (`reason`; the next pass tries again).
 */
export interface PendingBatch {
  readonly id: number;
  readonly escrow: Hex;
  readonly txHash: Hash | null;
  readonly reason?: string;
}

/** One pass. */
export interface SettleSummary {
  readonly posted: PostedBatch[];
  readonly waiting: WaitingResults[];
  readonly pending: PendingBatch[];
}

/** A posted batch as the summary says it. */
export function postedOf(
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
