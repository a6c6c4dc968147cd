import { randomUUID } from 'node:crypto';
import type { QueueDriver } from '../queue/backend.ts';
import { sqlRows } from '../queue/sql.ts';

/**
 * The coordinator's side of settlement: the verified results a job's verifier accepted,
 * written to `settlement_results` for the settlement function to batch and post on chain
 * (see core/queue/migrations/0046). Only what was checked goes in: each row's signature
 * is its worker's EIP-712 signature over (task CID, result CID), verified before the write.
 */

/** One verified result owed a reward (a row of `settlement_results`). */
export interface VerifiedResult {
  jobId: string;
  /** The task CID (base32 CIDv1, as the peers name it). */
  taskCid: string;
  /** The executor's payout address, checksummed. */
  worker: string;
  /** The on-chain job id whose escrow pays (bytes32 hex). */
  escrow: string;
  /** Wei, a decimal string. */
  reward: string;
  /** The accepted result CID. */
  resultCid: string;
  /** The worker's signature over (taskCid, resultCid), hex. */
  signature: string;
}

/** What recording needs: the queue's database (a `Queue` has it as `driver`). */
export interface RecordContext {
  driver: QueueDriver;
  /** Time source for `recorded_at` (ms; default Date.now). */
  now?: () => number;
}

/**
 * Writes `rows` in one transaction, one statement per 256 rows. Idempotent: a row whose
 * (job, task, worker) is already recorded is left as it is (batched or not), so recording
 * the same acceptance twice, or a resumed run's re-acceptance, changes nothing. The first
 * write to record a (job, task) is the one paid: a later write's rows for it are dropped,
 * whichever executors they name. Each call is one write, named by an id drawn here (not
 * by its time: two writes can share a millisecond). Resolves once the write is durable;
 * the number of rows newly written.
 */
export async function recordVerifiedResults(
  ctx: RecordContext,
  rows: readonly VerifiedResult[],
): Promise<number> {
  if (rows.length === 0) return 0;
  const statements = sqlRows(
    'settlement_result_insert',
    { now: (ctx.now ?? Date.now)(), write_id: randomUUID() },
    rows.map((row) => [
      row.jobId,
      row.taskCid,
      row.worker,
      row.escrow,
      row.reward,
      row.resultCid,
      row.signature,
    ]),
  );
  const results = await ctx.driver.batch(statements, 'write');
  return results.reduce((sum, result) => sum + result.changes, 0);
}
