import type { Address, Hex } from 'viem';
import type { SettlementDomain } from '../../contracts/client/eip712.ts';
import type { VerifiedResult } from '../../core/settlement/record.ts';
import { verifyAnswer } from '../../peers/payout.ts';
import type { Accepted } from '../../peers/submitter.ts';

/** What a job submitted with a settlement pays from, and how much per accepted call. */
export interface JobSettlement {
  /** The on-chain job id whose escrow pays (bytes32 hex). */
  escrow: string;
  /** Wei per accepted call and paid executor, a decimal string. */
  reward: string;
}

/** How a job's accepted calls fared for payment (`GET /v1/jobs/:id` `settlement`). */
export interface SettlementCounts {
  /** Accepted calls recorded for payment (at least one executor paid). */
  recordedCalls: number;
  /** Accepted calls no executor of the verdict can be paid for. */
  unpaidCalls: number;
  /**
   * Answers of a verdict not paid: the executor announced no payout address, or its
   * answer carried no signature, or one that does not verify to that address.
   */
  unpaidAnswers: number;
}

/** What a {@link SettlementRecorder} needs. */
export interface SettlementRecorderOptions {
  jobId: string;
  settlement: JobSettlement;
  /** The settlement contract's EIP-712 domain (signatures are checked in it). */
  domain: SettlementDomain;
  /** An executor's payout address as its presence announced it. */
  payoutOf: (executor: string) => string | undefined;
  /** Writes rows durably (recordVerifiedResults against the job's queue). */
  record: (rows: VerifiedResult[]) => Promise<unknown>;
}

/**
 * Turns a settled job's accepted calls into rows owed a reward: one per verdict executor
 * with a payout address whose signature over (task CID, accepted result CID) verifies to
 * that address. {@link accepted} resolves once its rows are durable, and the job's run
 * waits for it before the call's answer counts: a crash after acceptance loses nothing
 * that the job's outcome depends on (the resumed run re-accepts the call and re-records
 * it, harmlessly). Rows of calls accepted in the same turn go out in one write.
 */
export class SettlementRecorder {
  readonly #options: SettlementRecorderOptions;
  readonly #counts: SettlementCounts = { recordedCalls: 0, unpaidCalls: 0, unpaidAnswers: 0 };
  #pending: VerifiedResult[] = [];
  #flush: Promise<void> | undefined;

  constructor(options: SettlementRecorderOptions) {
    this.#options = options;
  }

  /** The counts so far. */
  counts(): SettlementCounts {
    return { ...this.#counts };
  }

  /** Records one accepted call; resolves once its rows (if any) are written. */
  async accepted(task: string, answer: Accepted): Promise<void> {
    const { jobId, settlement, domain, payoutOf } = this.#options;
    const rows: VerifiedResult[] = [];
    for (const executor of new Set(answer.executors)) {
      const payout = payoutOf(executor);
      const signature = answer.signatures[executor];
      const valid =
        payout !== undefined &&
        signature !== undefined &&
        (await verifyAnswer(domain, payout as Address, task, answer.result, signature as Hex));
      if (!valid) {
        this.#counts.unpaidAnswers++;
        continue;
      }
      rows.push({
        jobId,
        taskCid: task,
        worker: payout,
        escrow: settlement.escrow,
        reward: settlement.reward,
        resultCid: answer.result,
        signature,
      });
    }
    if (rows.length === 0) {
      this.#counts.unpaidCalls++;
      return;
    }
    await this.#write(rows);
    this.#counts.recordedCalls++;
  }

  /** Queues rows for the write at the end of this turn; resolves when it is done. */
  #write(rows: VerifiedResult[]): Promise<void> {
    this.#pending.push(...rows);
    this.#flush ??= new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
      const batch = this.#pending;
      this.#pending = [];
      this.#flush = undefined;
      await this.#options.record(batch);
    });
    return this.#flush;
  }
}
