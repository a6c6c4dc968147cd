import { describe, expect, it } from 'vitest';
import { buildBatch } from '../../contracts/client/batch.ts';
import type { QueueDriver } from '../queue/backend.ts';
import { storeMissingAllocations } from './backfill.ts';
import { ClaimBook } from './claims.ts';
import { escrowOf, openTestLedger, WORKERS, writeResults } from './ledger.fixture.ts';
import { markPosted } from './outcome.ts';
import { recordPosting } from './post.ts';
import { inTreeOrder, toSettled, unbatchedRows } from './rows.ts';

/** Posts a batch of `count` results for a new escrow; returns its id. */
async function posted(driver: QueueDriver, label: string, count: number): Promise<number> {
  const escrow = escrowOf(label);
  await writeResults(driver, escrow, count);
  const rows = inTreeOrder(await unbatchedRows(driver, escrow, 100));
  const batch = buildBatch(toSettled(rows));
  const signed = { hash: `0x${'11'.repeat(32)}`, raw: '0x02' } as const;
  const id = await recordPosting(driver, { escrow, batch, rows, signed, now: 1 });
  const hash = `0x${'22'.repeat(32)}` as const;
  await markPosted(driver, id, { txHash: hash, chainBatchId: BigInt(id), challengeEnd: 9 }, 2);
  return id;
}

/** The batches with stored allocations. */
async function storedBatches(driver: QueueDriver): Promise<number[]> {
  const { rows } = await driver.execute({
    sql: 'SELECT DISTINCT batch_id FROM settlement_allocations ORDER BY batch_id',
    params: {},
  });
  return rows.map((row) => Number(row.batch_id));
}

describe('storeMissingAllocations', () => {
  it('behavior: batches posted before allocations were stored get them, newest first, a few per call, until none is left', async () => {
    const driver = await openTestLedger();
    const ids = [await posted(driver, 'old-1', 3), await posted(driver, 'old-2', 4)];
    ids.push(await posted(driver, 'old-3', 5));
    await driver.execute({ sql: 'DELETE FROM settlement_allocations', params: {} });
    const newer = await posted(driver, 'new', 3);
    const log: string[] = [];
    expect(await storeMissingAllocations(driver, { limit: 2, log: (l) => log.push(l) })).toBe(2);
    expect(await storedBatches(driver)).toEqual([ids[1], ids[2], newer]);
    expect(await storeMissingAllocations(driver, { limit: 2, log: (l) => log.push(l) })).toBe(1);
    expect(await storeMissingAllocations(driver, { limit: 2, log: (l) => log.push(l) })).toBe(0);
    expect(await storedBatches(driver)).toEqual([...ids, newer]);
    expect(log).toEqual([
      'stored the allocations of 2 batches posted before migration 0051',
      'stored the allocations of 1 batch posted before migration 0051',
    ]);
    // Served from what was stored: no tree built for any of them.
    const page = await new ClaimBook(driver, { buildsPerPage: 0 }).page(WORKERS[0]!);
    expect(page.claims.map((c) => c.id)).toEqual([...ids, newer]);
    await driver.close();
  });

  it('error: a batch whose rows no longer give its root is logged and left; the batches below it are still stored', async () => {
    const driver = await openTestLedger();
    const low = await posted(driver, 'low', 3);
    const bad = await posted(driver, 'bad', 3);
    await driver.execute({ sql: 'DELETE FROM settlement_allocations', params: {} });
    await driver.execute({
      sql: "UPDATE settlement_results SET reward = '7' WHERE batch_id = :bad AND worker = :worker",
      params: { bad, worker: WORKERS[0]! },
    });
    const log: string[] = [];
    expect(await storeMissingAllocations(driver, { limit: 8, log: (l) => log.push(l) })).toBe(1);
    expect(await storedBatches(driver)).toEqual([low]);
    expect(log[0]).toMatch(
      new RegExp(`^batch ${bad}: its allocations could not be stored: ProofMismatchError`),
    );
    await driver.close();
  });
});
