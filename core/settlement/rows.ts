/**
 * Settlement result rows as the pass and the proofs read them, and the one order a batch's
 * tree is built in: the settler sorts a batch's rows by (job id, task CID, worker) in byte
 * order, which is SQLite's own order for `ORDER BY` on text, so anyone reading the batch's
 * rows back (settlement_batch_rows.sql) builds the same tree and the same proofs.
 */

import { CID } from 'multiformats/cid';
import type { Address, Hex } from 'viem';
import { getAddress, isHex } from 'viem';
import type { SettledResult } from '../../contracts/client/batch.ts';
import type { QueueDriver, SqlRow } from '../queue/backend.ts';
import { sql } from '../queue/sql.ts';
import { SettlementRowError } from './errors.ts';

/** One verified result owed a reward, as settlement_results holds it. */
export interface ResultRow {
  readonly jobId: string;
  readonly taskCid: string;
  readonly worker: Address;
  readonly escrow: Hex;
  readonly reward: bigint;
  readonly recordedAt: number;
  /** The row's primary key as stored (job id, task CID, worker as written). */
  readonly key: readonly [string, string, string];
}

/** Escrows with results in no batch yet, at most `limit`. */
export async function unbatchedEscrows(driver: QueueDriver, limit: number): Promise<Hex[]> {
  const [result] = await driver.batch([sql('settlement_escrows_unbatched', { limit })], 'read');
  return result!.rows.map((row) => String(row.escrow) as Hex);
}

/** `escrow`'s results in no batch yet, oldest first, at most `limit`. */
export async function unbatchedRows(
  driver: QueueDriver,
  escrow: Hex,
  limit: number,
): Promise<ResultRow[]> {
  const [result] = await driver.batch([sql('settlement_unbatched', { escrow, limit })], 'read');
  return result!.rows.map(toResultRow);
}

/** A batch's results in the order its tree was built from. */
export async function batchRows(driver: QueueDriver, batchId: number): Promise<ResultRow[]> {
  const [result] = await driver.batch(
    [sql('settlement_batch_rows', { batch_id: batchId })],
    'read',
  );
  return result!.rows.map(toResultRow);
}

/** Rows in the order a batch's tree is built from (a new array). */
export function inTreeOrder(rows: readonly ResultRow[]): ResultRow[] {
  return [...rows].sort((a, b) => {
    for (let i = 0; i < a.key.length; i++) {
      const order = Buffer.compare(Buffer.from(a.key[i]!), Buffer.from(b.key[i]!));
      if (order !== 0) return order;
    }
    return 0;
  });
}

/** What `buildBatch` takes for rows already in tree order. */
export function toSettled(rows: readonly ResultRow[]): SettledResult[] {
  return rows.map((row) => ({
    taskCid: cidBytesOf(row),
    worker: row.worker,
    reward: row.reward,
  }));
}

/**
 * A row's task CID as the bytes its leaf commits to: the coordinator writes a CID's text
 * (`bafy…`), or its bytes as 0x hex.
 */
function cidBytesOf(row: ResultRow): Uint8Array | Hex {
  if (isHex(row.taskCid)) return row.taskCid;
  try {
    return CID.parse(row.taskCid).bytes;
  } catch (error) {
    throw new SettlementRowError(`settlement result of job ${row.jobId} has a bad task CID`, {
      details: `task_cid ${JSON.stringify(row.taskCid)} is neither a CID nor 0x hex`,
      cause: error,
    });
  }
}

function toResultRow(row: SqlRow): ResultRow {
  const jobId = String(row.job_id);
  const where = `settlement result (job ${jobId}, task ${String(row.task_cid)})`;
  let worker: Address;
  let reward: bigint;
  try {
    worker = getAddress(String(row.worker));
    reward = BigInt(String(row.reward));
  } catch (error) {
    throw new SettlementRowError(`${where} has a bad worker or reward`, {
      details: `worker ${String(row.worker)}, reward ${String(row.reward)}`,
      cause: error,
    });
  }
  return {
    jobId,
    taskCid: String(row.task_cid),
    worker,
    escrow: String(row.escrow) as Hex,
    reward,
    recordedAt: Number(row.recorded_at),
    key: [jobId, String(row.task_cid), String(row.worker)],
  };
}
