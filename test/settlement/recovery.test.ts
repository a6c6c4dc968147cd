import { parseEther } from 'viem';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildBatch } from '../../contracts/client/batch.ts';
import type { QueueDriver } from '../../core/queue/backend.ts';
import { settle } from '../../core/settlement/pass.ts';
import { recordPosting, sendPost, signPost } from '../../core/settlement/post.ts';
import { inTreeOrder, toSettled, unbatchedRows } from '../../core/settlement/rows.ts';
import {
  openLedger,
  recordResults,
  resultsFor,
  type SettlementWorld,
  startWorld,
} from './world.ts';

/**
 * A settler that died part way through a post: the next pass finishes the batch from its
 * receipt or its BatchPosted event, and posts again only what never reached the chain.
 */

let world: SettlementWorld;
let driver: QueueDriver;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(() => world?.stop());
afterEach(() => driver?.close());

const reward = parseEther('0.1');

/** What a pass does up to sending: sign, record 'posting' with the rows; not sent. */
async function postingWritten(label: string) {
  driver = await openLedger();
  const escrow = await world.fund(parseEther('5'));
  await recordResults(world, driver, escrow, resultsFor(label, world.workers, 4, reward));
  const rows = inTreeOrder(await unbatchedRows(driver, escrow, 100));
  const batch = buildBatch(toSettled(rows));
  const signed = await signPost(world.settler, escrow, batch);
  const id = await recordPosting(driver, {
    escrow,
    batch,
    rows,
    hash: signed.hash,
    now: Date.now(),
  });
  return { escrow, batch, signed, id };
}

describe('settlement recovery', () => {
  it('behavior: a pass killed after its transaction was mined records the batch from the receipt and posts nothing new', async () => {
    const { signed, batch } = await postingWritten('mined');
    await sendPost(world.settler, signed);
    await world.chain.mined(signed.hash);
    const count = await world.batchCount();
    const summary = await settle(driver, world.settler);
    expect(summary.posted).toHaveLength(1);
    expect(summary.posted[0]).toMatchObject({
      how: 'receipt',
      root: batch.root,
      txHash: signed.hash,
    });
    expect(await world.batchCount()).toBe(count);
    expect(await settle(driver, world.settler)).toEqual({ posted: [], waiting: [], pending: [] });
  });

  it('behavior: with no transaction on record, the BatchPosted event of the escrow and root is found and nothing is posted again', async () => {
    const { signed, id } = await postingWritten('logged');
    await sendPost(world.settler, signed);
    await world.chain.mined(signed.hash);
    await driver.execute({
      sql: 'UPDATE settlement_batches SET tx_hash = NULL WHERE id = :id',
      params: { id },
    });
    const count = await world.batchCount();
    const summary = await settle(driver, world.settler);
    expect(summary.posted).toMatchObject([{ how: 'log', txHash: signed.hash }]);
    expect(await world.batchCount()).toBe(count);
  });

  it('behavior: a posting whose transaction never went out is posted again, once', async () => {
    const { batch } = await postingWritten('lost');
    const count = await world.batchCount();
    const summary = await settle(driver, world.settler);
    expect(summary.posted).toMatchObject([{ how: 'reposted', root: batch.root, taskCount: 4 }]);
    expect(await world.batchCount()).toBe(count + 1n);
    expect(await settle(driver, world.settler)).toEqual({ posted: [], waiting: [], pending: [] });
    expect(await world.batchCount()).toBe(count + 1n);
  });

  it('behavior: a posting whose transaction reverted frees its rows, which then wait with the reason', async () => {
    const { signed, escrow } = await postingWritten('reverted');
    await world.chain.travel(86_401n); // past the job's deadline: postBatch reverts
    await sendPost(world.settler, signed);
    await world.chain.reader.waitForTransactionReceipt({ hash: signed.hash });
    const summary = await settle(driver, world.settler);
    expect(summary.posted).toEqual([]);
    expect(summary.waiting).toEqual([
      { escrow, rows: 4, reason: `postBatch reverted in ${signed.hash}` },
      { escrow, rows: 4, reason: expect.stringContaining('deadline passed') },
    ]);
    const [left] = await driver.batch([
      { sql: 'SELECT count(*) AS n FROM settlement_batches', params: {} },
    ]);
    expect(left!.rows[0]!.n).toBe(0);
  });
});
