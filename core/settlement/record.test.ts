import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDriver } from '../queue/open.ts';
import { recordVerifiedResults, type VerifiedResult } from './record.ts';

const root = mkdtempSync(join(tmpdir(), 'noob-settlement-record-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const row = (task: string, worker: string): VerifiedResult => ({
  jobId: 'job-1',
  taskCid: task,
  worker,
  escrow: `0x${'ab'.repeat(32)}`,
  reward: '1000000000000000000000',
  resultCid: `result-of-${task}`,
  signature: `0x${'11'.repeat(65)}`,
});

const WORKER_A = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const WORKER_B = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC';

describe('recordVerifiedResults', () => {
  it('behavior: writes one unbatched row per (job, task, worker); recording again changes nothing', async () => {
    const driver = await openDriver(join(root, 'once.db'));
    try {
      const rows = [row('t1', WORKER_A), row('t1', WORKER_B), row('t2', WORKER_A)];
      expect(await recordVerifiedResults({ driver, now: () => 1234 }, rows)).toBe(3);
      // A resumed run re-accepts t2 (another signature, later): the first record stands.
      const again = { ...row('t2', WORKER_A), signature: `0x${'22'.repeat(65)}` };
      expect(await recordVerifiedResults({ driver, now: () => 9999 }, [again])).toBe(0);
      const { rows: stored } = await driver.execute({
        sql: 'SELECT task_cid, worker, reward, signature, recorded_at, batch_id FROM settlement_results ORDER BY task_cid, worker',
        params: {},
      });
      expect(stored).toEqual([
        {
          task_cid: 't1',
          worker: WORKER_B,
          reward: '1000000000000000000000',
          signature: `0x${'11'.repeat(65)}`,
          recorded_at: 1234,
          batch_id: null,
        },
        expect.objectContaining({ task_cid: 't1', worker: WORKER_A }),
        expect.objectContaining({
          task_cid: 't2',
          worker: WORKER_A,
          signature: `0x${'11'.repeat(65)}`,
        }),
      ]);
    } finally {
      await driver.close();
    }
  });

  it('behavior: a later verdict for a recorded call (a resumed run, other executors) writes nothing: one call is paid once', async () => {
    const driver = await openDriver(join(root, 'first-verdict.db'));
    try {
      expect(
        await recordVerifiedResults({ driver, now: () => 1000 }, [
          row('t1', WORKER_A),
          row('t1', WORKER_B),
        ]),
      ).toBe(2);
      const WORKER_C = '0x90F79bf6EB2c4f870365E785982E1f101E93b906';
      expect(await recordVerifiedResults({ driver, now: () => 2000 }, [row('t1', WORKER_C)])).toBe(
        0,
      );
      // Another call of the same job is still recorded.
      expect(await recordVerifiedResults({ driver, now: () => 2000 }, [row('t2', WORKER_C)])).toBe(
        1,
      );
      const { rows: stored } = await driver.execute({
        sql: 'SELECT task_cid, worker FROM settlement_results ORDER BY task_cid, worker',
        params: {},
      });
      expect(stored).toEqual([
        { task_cid: 't1', worker: WORKER_B },
        { task_cid: 't1', worker: WORKER_A },
        { task_cid: 't2', worker: WORKER_C },
      ]);
    } finally {
      await driver.close();
    }
  });

  it('behavior: two writes in the same millisecond are still two writes: the second verdict for a recorded call writes nothing', async () => {
    const driver = await openDriver(join(root, 'same-ms.db'));
    try {
      const now = () => 5000;
      expect(await recordVerifiedResults({ driver, now }, [row('t1', WORKER_A)])).toBe(1);
      expect(await recordVerifiedResults({ driver, now }, [row('t1', WORKER_B)])).toBe(0);
      const { rows: stored } = await driver.execute({
        sql: 'SELECT worker FROM settlement_results',
        params: {},
      });
      expect(stored).toEqual([{ worker: WORKER_A }]);
    } finally {
      await driver.close();
    }
  });

  it('behavior: a call recorded before writes had ids (write_id NULL) still blocks a later verdict', async () => {
    const driver = await openDriver(join(root, 'before-ids.db'));
    try {
      const old = row('t1', WORKER_A);
      await driver.execute({
        sql: `INSERT INTO settlement_results (job_id, task_cid, worker, escrow, reward, result_cid, signature, recorded_at)
              VALUES (:job, :task, :worker, :escrow, :reward, :result, :signature, 1)`,
        params: {
          job: old.jobId,
          task: old.taskCid,
          worker: old.worker,
          escrow: old.escrow,
          reward: old.reward,
          result: old.resultCid,
          signature: old.signature,
        },
      });
      expect(await recordVerifiedResults({ driver, now: () => 1 }, [row('t1', WORKER_B)])).toBe(0);
      expect(await recordVerifiedResults({ driver, now: () => 1 }, [row('t2', WORKER_B)])).toBe(1);
    } finally {
      await driver.close();
    }
  });

  it("behavior: many rows in one call land together (more than one statement's worth)", async () => {
    const driver = await openDriver(join(root, 'many.db'));
    try {
      const rows = Array.from({ length: 300 }, (_, i) => row(`t${i}`, WORKER_A));
      // One call's executors of one call, split across its two statements: both paid.
      rows.push(row('t0', WORKER_B));
      expect(await recordVerifiedResults({ driver }, rows)).toBe(301);
      expect(await recordVerifiedResults({ driver }, [])).toBe(0);
    } finally {
      await driver.close();
    }
  });
});
