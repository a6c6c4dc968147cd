/**
 * For this folder's unit tests: a fresh queue database with settlement rows written by
 * plain SQL (no chain): results, and a posted batch over some of them.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Address, type Hex, keccak256, toHex } from 'viem';
import type { QueueDriver } from '../queue/backend.ts';
import { openDriver } from '../queue/open.ts';

/** Three workers' addresses (checksummed). */
export const WORKERS: readonly Address[] = [
  '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
  '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC',
  '0x90F79bf6EB2c4f870365E785982E1f101E93b906',
];

/** An escrow id for `label`. */
export const escrowOf = (label: string): Hex => keccak256(toHex(label));

/** A fresh, migrated queue database. */
export function openTestLedger(): Promise<QueueDriver> {
  return openDriver(join(mkdtempSync(join(tmpdir(), 'noob-settlement-unit-')), 'noob.db'));
}

/** Writes `count` results of `reward` wei for `escrow`, over the workers in turn, task CIDs as hex. */
export async function writeResults(
  driver: QueueDriver,
  escrow: Hex,
  count: number,
  reward = 1000n,
): Promise<void> {
  for (let i = 0; i < count; i++) {
    await driver.execute({
      sql: `INSERT INTO settlement_results (job_id, task_cid, worker, escrow, reward, result_cid, signature, recorded_at)
            VALUES (:job, :task, :worker, :escrow, :reward, '0x00', '0x00', :at)`,
      params: {
        job: `job-${i % 2}`,
        task: keccak256(toHex(`${escrow}-${i}`)),
        worker: WORKERS[i % WORKERS.length]!,
        escrow,
        reward: reward.toString(),
        at: i,
      },
    });
  }
}
