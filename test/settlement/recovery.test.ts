import { type Hash, type Hex, parseEther } from 'viem';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { decodeSettlementEvents } from '../../contracts/client/events.ts';
import { settlementAbi } from '../../contracts/generated/Settlement.ts';
import type { QueueDriver } from '../../core/queue/backend.ts';
import { settle } from '../../core/settlement/pass.ts';
import { sendPost } from '../../core/settlement/post.ts';
import {
  anvilControl,
  openLedger,
  recordResults,
  resultsFor,
  type SettlementWorld,
  startWorld,
  postingWritten as writtenNotSent,
} from './world.ts';

/**
 * A settler that died part way through a post: the next pass finishes the batch from its
 * receipt or its BatchPosted event, and posts again only what never reached the chain
 * (kept-transaction.test.ts: how).
 */

let world: SettlementWorld;
let driver: QueueDriver;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(() => world?.stop());
afterEach(() => driver?.close());

const reward = parseEther('0.1');

/** A fresh ledger with a batch written 'posting' and not sent (world.ts). */
async function postingWritten(label: string) {
  driver = await openLedger();
  return writtenNotSent(world, driver, label);
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

describe('settlement recovery on a doubt', () => {
  it("error: a posting whose recorded transaction is another one stays 'posting', reported with the reason; other escrows still settle", async () => {
    const { id, escrow } = await postingWritten('mismatch');
    const other = await world.d.submitter.sendTransaction({
      to: world.d.submitter.account.address,
      value: 1n,
    });
    await world.chain.reader.waitForTransactionReceipt({ hash: other });
    await driver.execute({
      sql: 'UPDATE settlement_batches SET tx_hash = :tx WHERE id = :id',
      params: { id, tx: other },
    });
    const second = await world.fund(parseEther('1'));
    await recordResults(
      world,
      driver,
      second,
      resultsFor('mismatch-other', world.workers, 1, reward),
    );
    const count = await world.batchCount();
    const summary = await settle(driver, world.settler);
    expect(summary.pending).toEqual([
      { id, escrow, txHash: other, reason: expect.stringContaining('PostMismatchError') },
    ]);
    expect(summary.posted).toMatchObject([{ escrow: second, taskCount: 1 }]);
    expect(await world.batchCount()).toBe(count + 1n);
  });
});

describe('settlement recovery of a slow chain', () => {
  it('behavior: a batch not mined within the wait is reported pending, and the next pass records it from its receipt', async () => {
    const test = anvilControl(world);
    driver = await openLedger();
    const escrow = await world.fund(parseEther('5'));
    await recordResults(world, driver, escrow, resultsFor('slow', world.workers, 2, reward));
    await test.setAutomine(false);
    let pending: Awaited<ReturnType<typeof settle>>;
    try {
      pending = await settle(driver, world.settler, { receiptTimeoutMs: 300 });
    } finally {
      await test.setAutomine(true);
    }
    expect(pending.posted).toEqual([]);
    expect(pending.pending).toMatchObject([{ escrow, txHash: expect.stringMatching(/^0x/) }]);
    await test.mine({ blocks: 1 });
    const count = await world.batchCount();
    const summary = await settle(driver, world.settler);
    expect(summary.posted).toMatchObject([
      { how: 'receipt', txHash: pending.pending[0]!.txHash, taskCount: 2 },
    ]);
    expect(await world.batchCount()).toBe(count);
  });

  // A post the settler's node lost while the transaction still lives elsewhere (another
  // node's pool): re-posting must never let both be mined, whatever else is pending.
  it('behavior: a post the node lost behind a later pending post is paid once, even when the lost transaction comes back', async () => {
    const test = anvilControl(world);
    driver = await openLedger();
    const first = await world.fund(parseEther('5'));
    const second = await world.fund(parseEther('5'));
    await recordResults(world, driver, first, resultsFor('lost-a', world.workers, 2, reward));
    await recordResults(world, driver, second, resultsFor('lost-b', world.workers, 2, reward));
    const before = await world.batchCount();
    await test.setAutomine(false);
    try {
      // Both escrows' posts go out and stay pending (nothing is mined).
      const sent = await settle(driver, world.settler, { receiptTimeoutMs: 300 });
      expect(sent.pending).toHaveLength(2);
      const txs = await Promise.all(
        sent.pending.map((p) => world.chain.reader.getTransaction({ hash: p.txHash as Hash })),
      );
      const lost = txs.reduce((a, b) => (a.nonce < b.nonce ? a : b));
      const raw = (await test.request({
        method: 'eth_getRawTransactionByHash' as never,
        params: [lost.hash] as never,
      })) as Hex;
      // The settler's node forgets the lower-nonce post; the transaction lives on elsewhere.
      await test.dropTransaction({ hash: lost.hash });
      const again = await settle(driver, world.settler, { receiptTimeoutMs: 300 });
      // Recovery posted the lost batch again; both posts are pending.
      expect(again.pending).toHaveLength(2);
      // The lost transaction comes back (anyone holding it may send it again).
      await world.chain.reader
        .sendRawTransaction({ serializedTransaction: raw })
        .catch(() => undefined);
    } finally {
      await test.setAutomine(true);
    }
    for (let i = 0; i < 4; i++) await test.mine({ blocks: 1 });
    await settle(driver, world.settler, { receiptTimeoutMs: 5_000 });
    const logs = await world.chain.reader.getContractEvents({
      address: world.d.address,
      abi: settlementAbi,
      eventName: 'BatchPosted',
      fromBlock: 0n,
    });
    const posts = decodeSettlementEvents(logs).filter((e) => e.eventName === 'BatchPosted');
    const perEscrow = (escrow: Hex) =>
      posts.filter((e) => e.args.jobId.toLowerCase() === escrow.toLowerCase()).length;
    expect([perEscrow(first), perEscrow(second)]).toEqual([1, 1]);
    expect(await world.batchCount()).toBe(before + 2n);
  });
});
