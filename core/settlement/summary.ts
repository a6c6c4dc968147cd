/**
 * What a settlement pass did, as plain JSON (wei as decimal text): the Lambda's answer,
 * `noob settle`'s output, and what tests read.
 */
import type { Address, Hash, Hex } from 'viem';

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
  /** How: posted by this pass, or recovered from a pass that died ('receipt', 'log', 'reposted'). */
  readonly how: 'posted' | 'receipt' | 'log' | 'reposted';
}

/** Results left for a later pass, and why. */
export interface WaitingResults {
  readonly escrow: Hex;
  /** Set when the reason is this worker's (the escrow's other rows may be posted). */
  readonly worker?: Address;
  readonly rows: number;
  readonly reason: string;
}

/** A batch whose transaction was sent but not mined within the pass's wait. */
export interface PendingBatch {
  readonly id: number;
  readonly escrow: Hex;
  readonly txHash: Hash;
}

/** One pass. */
export interface SettleSummary {
  readonly posted: PostedBatch[];
  readonly waiting: WaitingResults[];
  readonly pending: PendingBatch[];
}
