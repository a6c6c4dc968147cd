import { describe, expect, it } from 'vitest';
import { toAllocationArgument } from '../../contracts/client/actions/settle.ts';
import { allocationOf, buildBatch } from '../../contracts/client/batch.ts';
import type { QueueDriver } from '../queue/backend.ts';
import { sql } from '../queue/sql.ts';
import { ClaimBook } from './claims.ts';
import { escrowOf, openTestLedger, WORKERS, writeResults } from './ledger.fixture.ts';
import { markPosted } from './outcome.ts';
import { recordPosting } from './post.ts';
import { batchRows, inTreeOrder, toSettled, unbatchedRows } from './rows.ts';

/** A ledger with one posted batch (chain batch 7) over `count` results. */
async function postedLedger(count: number, driver?: QueueDriver) {
  driver ??= await openTestLedger();
  const escrow = escrowOf(`claims-${count}`);
  await writeResults(driver, escrow, count);
  const rows = inTreeOrder(await unbatchedRows(driver, escrow, 100));
  const batch = buildBatch(toSettled(rows));
  const id = await recordPosting(driver, {
    escrow,
    batch,
    rows,
    signed: { hash: `0x${'11'.repeat(32)}`, raw: '0x02' },
    now: 1,
  });
  await markPosted(
    driver,
    id,
    { txHash: `0x${'22'.repeat(32)}`, chainBatchId: 7n, challengeEnd: 1234 },
    2,
  );
  return { driver, batch, id };
}

/** Drops every stored allocation: the batches are then as those made before migration 0051. */
async function forgetAllocations(driver: QueueDriver) {
  await driver.execute({ sql: 'DELETE FROM settlement_allocations', params: {} });
}

/** A table's rows (for checking what was, or was not, written). */
async function count(driver: QueueDriver, table: string): Promise<number> {
  const { rows } = await driver.execute({ sql: `SELECT count(*) AS n FROM ${table}`, params: {} });
  return Number(rows[0]!.n);
}

describe('ClaimBook', () => {
  it("default: a worker's claim is its allocation in the batch built from the rows as posted", async () => {
    const { driver, batch, id } = await postedLedger(7);
    const claims = await new ClaimBook(driver).claimsOf(WORKERS[1]!.toLowerCase() as `0x${string}`);
    const expected = toAllocationArgument(7n, allocationOf(batch, WORKERS[1]!));
    expect(claims).toEqual([
      {
        id,
        escrow: escrowOf('claims-7'),
        txHash: `0x${'22'.repeat(32)}`,
        amount: '2000',
        taskCount: 2,
        claimableAfter: 1234,
        allocation: {
          batchId: '7',
          index: String(expected.index),
          amount: '2000',
          taskCount: '2',
          tasksRoot: expected.tasksRoot,
          proof: expected.proof,
        },
      },
    ]);
    expect(
      await new ClaimBook(driver).claimsOf('0x000000000000000000000000000000000000dEaD'),
    ).toEqual([]);
    await driver.close();
  });

  it('behavior: rows come back in the order the tree was built from, whatever order they were written in', async () => {
    const { driver, batch, id } = await postedLedger(9);
    const rebuilt = buildBatch(toSettled(await batchRows(driver, id)));
    expect(rebuilt.root).toBe(batch.root);
    await driver.close();
  });

  it('behavior: a claim is served from the allocation stored with the batch, so rows changed after posting do not change it', async () => {
    const { driver, batch } = await postedLedger(3);
    await driver.execute({
      sql: "UPDATE settlement_results SET reward = '999' WHERE rowid = 1",
      params: {},
    });
    const [claim] = await new ClaimBook(driver).claimsOf(WORKERS[0]!);
    expect(claim!.allocation.proof).toEqual(allocationOf(batch, WORKERS[0]!).proof);
    expect(claim!.amount).toBe('1000');
    await driver.close();
  });

  it('error: a stored allocation changed after posting is a ProofMismatchError naming it, not a proof that fails on chain', async () => {
    const { driver, id } = await postedLedger(3);
    await driver.execute({
      sql: "UPDATE settlement_allocations SET amount = '999999' WHERE worker = :worker",
      params: { worker: WORKERS[0]! },
    });
    await expect(new ClaimBook(driver).claimsOf(WORKERS[0]!)).rejects.toMatchObject({
      name: 'ProofMismatchError',
      message: expect.stringContaining(
        `batch ${id}'s stored allocation of ${WORKERS[0]} does not give its root`,
      ),
    });
    await driver.execute({
      sql: 'UPDATE settlement_allocations SET proof = \'["0x12"]\' WHERE worker = :worker',
      params: { worker: WORKERS[1]! },
    });
    await expect(new ClaimBook(driver).claimsOf(WORKERS[1]!)).rejects.toMatchObject({
      name: 'ProofMismatchError',
      message: expect.stringContaining(
        `batch ${id}'s stored allocation of ${WORKERS[1]} cannot be read`,
      ),
    });
    await driver.close();
  });

  it('error: a batch made before stored allocations whose rows were changed after posting is a ProofMismatchError, not a proof that fails on chain', async () => {
    const { driver } = await postedLedger(3);
    await forgetAllocations(driver);
    await driver.execute({
      sql: "UPDATE settlement_results SET reward = '999' WHERE rowid = 1",
      params: {},
    });
    await expect(new ClaimBook(driver).claimsOf(WORKERS[0]!)).rejects.toMatchObject({
      name: 'ProofMismatchError',
      message: expect.stringContaining('results do not give its root'),
    });
    await driver.close();
  });

  it('behavior: batches posted with their allocations are read, not built: a page of more of them than buildsPerPage is whole', async () => {
    const driver = await openTestLedger();
    const ids: number[] = [];
    for (let n = 3; n <= 7; n++) ids.push((await postedLedger(n, driver)).id);
    const page = await new ClaimBook(driver, { buildsPerPage: 0 }).page(WORKERS[0]!, {
      limit: 100,
    });
    expect(page.claims.map((c) => c.id)).toEqual(ids);
    expect(page.next).toBeNull();
    expect(await count(driver, 'settlement_allocations')).toBe(5 * WORKERS.length);
    await driver.close();
  });

  it('behavior: a batch made before stored allocations is still served, its tree built again from its rows', async () => {
    const { driver, batch } = await postedLedger(5);
    await forgetAllocations(driver);
    const [claim] = await new ClaimBook(driver).claimsOf(WORKERS[2]!);
    expect(claim!.allocation).toMatchObject({
      amount: '1000',
      proof: allocationOf(batch, WORKERS[2]!).proof,
    });
    await driver.close();
  });

  it('behavior: over batches made before stored allocations, a page builds at most buildsPerPage of them; it ends early with a cursor, and following it gives every claim once', async () => {
    const driver = await openTestLedger();
    const ids: number[] = [];
    // Five batches, each with one result of each worker (counts 3..7 name the escrows).
    for (let count = 3; count <= 7; count++) ids.push((await postedLedger(count, driver)).id);
    await forgetAllocations(driver);
    const book = new ClaimBook(driver, { buildsPerPage: 2 });
    const first = await book.page(WORKERS[0]!, { limit: 100 });
    expect(first.claims.map((c) => c.id)).toEqual(ids.slice(0, 2));
    expect(first.next).toBe(String(ids[1]));
    const seen = [...first.claims.map((c) => c.id)];
    let next = first.next;
    for (let pages = 0; next !== null && pages < 10; pages++) {
      const page = await book.page(WORKERS[0]!, { after: Number(next), limit: 100 });
      seen.push(...page.claims.map((c) => c.id));
      next = page.next;
    }
    expect(next).toBeNull();
    expect(seen).toEqual(ids);
    await driver.close();
  });

  it("behavior: a worker's claims are found from its own rows, in batch order: no walk over the posted batches, no sort", async () => {
    const driver = await openTestLedger();
    const statement = sql('settlement_claim_batches', { worker: WORKERS[0]!, after: 0, limit: 20 });
    const plan = await driver.execute({
      sql: `EXPLAIN QUERY PLAN ${statement.sql}`,
      params: statement.params,
    });
    const steps = plan.rows.map((row) => String(row.detail));
    expect(steps).toContainEqual(
      expect.stringMatching(
        /SEARCH r USING COVERING INDEX settlement_results_worker \(worker=\? AND batch_id>\?\)/,
      ),
    );
    expect(steps).toContainEqual(expect.stringMatching(/SEARCH b USING INTEGER PRIMARY KEY/));
    expect(steps).toContainEqual(
      expect.stringMatching(/SEARCH a USING INDEX .*\(batch_id=\? AND worker=\?\)/),
    );
    expect(steps.join('\n')).not.toMatch(/SCAN|TEMP B-TREE/);
    await driver.close();
  });
});
