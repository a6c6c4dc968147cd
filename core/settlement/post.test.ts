import { describe, expect, it } from 'vitest';
import { buildBatch } from '../../contracts/client/batch.ts';
import { escrowOf, openTestLedger, writeResults } from './ledger.fixture.ts';
import { recordPosting } from './post.ts';
import { inTreeOrder, toSettled, unbatchedRows } from './rows.ts';

describe('recordPosting', () => {
  it("default: writes the posting batch with its signed transaction and its workers' allocations, and puts every row in it", async () => {
    const driver = await openTestLedger();
    const escrow = escrowOf('post');
    await writeResults(driver, escrow, 5);
    const rows = inTreeOrder(await unbatchedRows(driver, escrow, 10));
    const batch = buildBatch(toSettled(rows));
    const id = await recordPosting(driver, {
      escrow,
      batch,
      rows,
      signed: { hash: `0x${'ab'.repeat(32)}`, raw: '0x02ab' },
      now: 1,
    });
    expect(await unbatchedRows(driver, escrow, 10)).toEqual([]);
    const [written] = await driver.batch([{ sql: 'SELECT * FROM settlement_batches', params: {} }]);
    expect(written!.rows).toMatchObject([
      {
        id,
        state: 'posting',
        root: batch.root,
        total: '5000',
        task_count: 5,
        tx_hash: `0x${'ab'.repeat(32)}`,
        tx_raw: '0x02ab',
      },
    ]);
    const [allocations] = await driver.batch([
      {
        sql: 'SELECT worker, leaf_index, amount, task_count, tasks_root, proof FROM settlement_allocations WHERE batch_id = :id ORDER BY leaf_index',
        params: { id },
      },
    ]);
    expect(allocations!.rows).toEqual(
      batch.allocations.map((a) => ({
        worker: a.worker,
        leaf_index: a.index,
        amount: a.amount.toString(),
        task_count: a.taskCount,
        tasks_root: a.tasksRoot,
        proof: JSON.stringify(a.proof),
      })),
    );
    await driver.close();
  });

  it('error: rows another pass already batched make a BatchRaceError, and nothing is written', async () => {
    const driver = await openTestLedger();
    const escrow = escrowOf('race');
    await writeResults(driver, escrow, 4);
    const rows = inTreeOrder(await unbatchedRows(driver, escrow, 10));
    const batch = buildBatch(toSettled(rows));
    const signed = { hash: `0x${'cd'.repeat(32)}`, raw: '0x02cd' } as const;
    await recordPosting(driver, { escrow, batch, rows: rows.slice(0, 1), signed, now: 1 });
    await expect(
      recordPosting(driver, { escrow, batch, rows, signed, now: 2 }),
    ).rejects.toMatchObject({
      name: 'BatchRaceError',
      message: expect.stringContaining('1 of 4 rows were already in a batch'),
    });
    const [batches] = await driver.batch([
      { sql: 'SELECT count(*) AS n FROM settlement_batches', params: {} },
    ]);
    expect(batches!.rows[0]!.n).toBe(1);
    const [allocations] = await driver.batch([
      { sql: 'SELECT count(*) AS n FROM settlement_allocations', params: {} },
    ]);
    expect(allocations!.rows[0]!.n).toBe(batch.allocations.length);
    expect(await unbatchedRows(driver, escrow, 10)).toHaveLength(3);
    await driver.close();
  });
});
