import { describe, expect, it } from 'vitest';
import { buildBatch } from '../../contracts/client/batch.ts';
import { escrowOf, openTestLedger, writeResults } from './ledger.fixture.ts';
import { recordPosting } from './post.ts';
import { inTreeOrder, toSettled, unbatchedRows } from './rows.ts';

describe('recordPosting', () => {
  it('default: writes the posting batch with its transaction hash and puts every row in it', async () => {
    const driver = await openTestLedger();
    const escrow = escrowOf('post');
    await writeResults(driver, escrow, 5);
    const rows = inTreeOrder(await unbatchedRows(driver, escrow, 10));
    const batch = buildBatch(toSettled(rows));
    const id = await recordPosting(driver, {
      escrow,
      batch,
      rows,
      hash: `0x${'ab'.repeat(32)}`,
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
      },
    ]);
    await driver.close();
  });

  it('error: rows another pass already batched make a BatchRaceError, and nothing is written', async () => {
    const driver = await openTestLedger();
    const escrow = escrowOf('race');
    await writeResults(driver, escrow, 4);
    const rows = inTreeOrder(await unbatchedRows(driver, escrow, 10));
    const batch = buildBatch(toSettled(rows));
    const hash = `0x${'cd'.repeat(32)}` as const;
    await recordPosting(driver, { escrow, batch, rows: rows.slice(0, 1), hash, now: 1 });
    await expect(
      recordPosting(driver, { escrow, batch, rows, hash, now: 2 }),
    ).rejects.toMatchObject({
      name: 'BatchRaceError',
      message: expect.stringContaining('1 of 4 rows were already in a batch'),
    });
    const [batches] = await driver.batch([
      { sql: 'SELECT count(*) AS n FROM settlement_batches', params: {} },
    ]);
    expect(batches!.rows[0]!.n).toBe(1);
    expect(await unbatchedRows(driver, escrow, 10)).toHaveLength(3);
    await driver.close();
  });
});
