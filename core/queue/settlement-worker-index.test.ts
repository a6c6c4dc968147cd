import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDriver } from './open.ts';

const root = mkdtempSync(join(tmpdir(), 'noob-worker-index-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The posted batches `:worker` has results in after `:after`, driven by the worker's rows. */
const WORKER_BATCHES = `SELECT b.id FROM settlement_batches AS b
  WHERE b.id IN (SELECT r.batch_id FROM settlement_results AS r
                 WHERE r.worker = :worker AND r.batch_id > :after)
    AND b.state = 'posted'
  ORDER BY b.id LIMIT :limit`;

describe('settlement_results_worker (migration 0050)', () => {
  it("behavior: a worker's batches are a range seek over its own rows, in batch order, with no sort and no walk over every batch", async () => {
    const driver = await openDriver(join(root, 'queue.db'));
    try {
      const statements = [];
      for (let batch = 1; batch <= 40; batch++) {
        statements.push({
          sql: `INSERT INTO settlement_batches (id, escrow, root, total, task_count, state, created_at)
                VALUES (:id, 'e', 'r', '1', 1, :state, 0)`,
          params: { id: batch, state: batch === 30 ? 'posting' : 'posted' },
        });
        // The worker has results in every tenth batch, two tasks each; others in the rest.
        for (const task of ['t1', 't2'])
          statements.push({
            sql: `INSERT INTO settlement_results (job_id, task_cid, worker, escrow, reward, result_cid, signature, recorded_at, batch_id)
                  VALUES (:job, :task, :worker, 'e', '1', 'r', 's', 0, :batch)`,
            params: {
              job: `job-${batch}`,
              task,
              worker: batch % 10 === 0 ? 'worker-a' : 'worker-b',
              batch,
            },
          });
      }
      await driver.batch(statements, 'write');
      const params = { worker: 'worker-a', after: 10, limit: 20 };
      const { rows } = await driver.execute({ sql: WORKER_BATCHES, params });
      // Batch 30 is still posting: not claimable yet.
      expect(rows.map((row) => row.id)).toEqual([20, 40]);
      const plan = await driver.execute({ sql: `EXPLAIN QUERY PLAN ${WORKER_BATCHES}`, params });
      const steps = plan.rows.map((row) => String(row.detail));
      expect(steps).toContainEqual(
        expect.stringMatching(
          /SEARCH r USING COVERING INDEX settlement_results_worker \(worker=\? AND batch_id>\?\)/,
        ),
      );
      expect(steps).toContainEqual(
        expect.stringMatching(/SEARCH b USING INTEGER PRIMARY KEY \(rowid=\?\)/),
      );
      expect(steps.join('\n')).not.toMatch(/SCAN|TEMP B-TREE/);
    } finally {
      await driver.close();
    }
  });
});
