import { type Hex, parseTransaction } from 'viem';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { settlementAbi } from '../../contracts/generated/Settlement.ts';
import type { QueueDriver } from '../../core/queue/backend.ts';
import { markPosted } from '../../core/settlement/outcome.ts';
import { settle } from '../../core/settlement/pass.ts';
import {
  anvilControl,
  openLedger,
  postingWritten,
  type SettlementWorld,
  startWorld,
  takeSettlerNonce,
} from './world.ts';

/**
 * A post lost on its way to the chain is sent again as the very transaction that was
 * signed and kept with its batch, at its own nonce, so the lost one and its re-post can
 * never both be mined; it is signed again only once that nonce is taken by another
 * transaction, or when the batch kept none (made before migration 0052).
 */

let world: SettlementWorld;
let driver: QueueDriver;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(() => world?.stop());
afterEach(() => driver?.close());

/** The batch row as kept: its transaction's hash and signed bytes. */
async function keptOf(id: number): Promise<{ tx_hash: Hex | null; tx_raw: Hex | null }> {
  const { rows } = await driver.execute({
    sql: 'SELECT tx_hash, tx_raw FROM settlement_batches WHERE id = :id',
    params: { id },
  });
  return rows[0] as { tx_hash: Hex | null; tx_raw: Hex | null };
}

/** BatchPosted events of `escrow` on chain. */
async function postsOf(escrow: Hex): Promise<number> {
  const events = await world.chain.reader.getContractEvents({
    address: world.d.address,
    abi: settlementAbi,
    eventName: 'BatchPosted',
    args: { jobId: escrow },
    fromBlock: 0n,
  });
  return events.length;
}

/** The settler's key sends something else first: it takes the next nonce. Returns its hash. */
const takeNonce = () => takeSettlerNonce(world);

describe('a lost post is sent again at its own nonce', () => {
  it('behavior: a post that never reached the node is sent again as the same signed transaction, once, though the fees changed since it was signed', async () => {
    driver = await openLedger();
    const { batch, signed, escrow, id } = await postingWritten(world, driver, 'never-sent');
    expect(await keptOf(id)).toEqual({ tx_hash: signed.hash, tx_raw: signed.raw });
    // The chain moves on: a transaction signed now would carry other fees (another hash).
    const base = (await world.chain.reader.getBlock()).baseFeePerGas!;
    await anvilControl(world).setNextBlockBaseFeePerGas({ baseFeePerGas: base + 1_000n });
    await anvilControl(world).mine({ blocks: 1 });
    const count = await world.batchCount();
    const summary = await settle(driver, world.settler);
    expect(summary.posted).toMatchObject([
      { how: 'resent', txHash: signed.hash, root: batch.root, taskCount: 4 },
    ]);
    expect(summary.posted[0]!.replaced).toBeUndefined();
    expect(await world.batchCount()).toBe(count + 1n);
    expect(await settle(driver, world.settler)).toEqual({ posted: [], waiting: [], pending: [] });
    expect(await postsOf(escrow)).toBe(1);
  });

  it('behavior: a kept transaction whose nonce another transaction took waits until that is 12 blocks deep, then is signed again, said in the summary; the old one can never be mined', async () => {
    driver = await openLedger();
    const { signed, escrow, id } = await postingWritten(world, driver, 'nonce-taken');
    const { nonce } = parseTransaction(signed.raw);
    const other = await takeNonce();
    expect((await world.chain.reader.getTransaction({ hash: other })).nonce).toBe(nonce);
    const settler = world.settler.wallet;
    const reason = `its transaction ${signed.hash} can never be mined: ${settler.account.address}'s nonce ${nonce} was taken by another transaction`;
    // Taken just now: a lagging node could still be hiding that it was ours. It waits.
    const early = await settle(driver, world.settler);
    expect(early).toEqual({
      posted: [],
      waiting: [],
      pending: [
        {
          id,
          escrow,
          txHash: signed.hash,
          reason: expect.stringContaining(`${reason} (`),
        },
      ],
    });
    expect(early.pending[0]!.reason).toMatch(/signed again once that is 12 blocks deep$/);
    await anvilControl(world).mine({ blocks: 12 });
    const lines: string[] = [];
    const summary = await settle(driver, world.settler, { log: (line) => lines.push(line) });
    expect(summary.posted).toMatchObject([
      { how: 'reposted', escrow, replaced: expect.stringContaining(reason) },
    ]);
    expect(lines).toContainEqual(expect.stringContaining(reason));
    const kept = await keptOf(id);
    expect(kept.tx_hash).toBe(summary.posted[0]!.txHash);
    expect(kept.tx_hash).not.toBe(signed.hash);
    expect(parseTransaction(kept.tx_raw!).nonce).toBeGreaterThan(nonce!);
    // Whoever still holds the old transaction cannot have it mined.
    await expect(
      world.chain.reader.sendRawTransaction({ serializedTransaction: signed.raw }),
    ).rejects.toThrow(/nonce too low/);
    expect(await postsOf(escrow)).toBe(1);
  });

  it('behavior: a batch that kept no transaction (made before migration 0052) and never went out is signed again once, and its new transaction and allocations are kept', async () => {
    driver = await openLedger();
    const { escrow, id } = await postingWritten(world, driver, 'made-before');
    await driver.batch([
      { sql: 'UPDATE settlement_batches SET tx_raw = NULL WHERE id = :id', params: { id } },
      { sql: 'DELETE FROM settlement_allocations WHERE batch_id = :id', params: { id } },
    ]);
    const summary = await settle(driver, world.settler);
    expect(summary.posted).toMatchObject([{ how: 'reposted', escrow }]);
    expect(summary.posted[0]!.replaced).toBeUndefined();
    const kept = await keptOf(id);
    expect(kept.tx_hash).toBe(summary.posted[0]!.txHash);
    expect(kept.tx_raw).toMatch(/^0x/);
    const { rows } = await driver.execute({
      sql: 'SELECT count(*) AS n FROM settlement_allocations WHERE batch_id = :id',
      params: { id },
    });
    expect(rows[0]!.n).toBe(3);
    expect(await postsOf(escrow)).toBe(1);
  });

  it('error: a kept transaction whose nonce was taken, for an escrow that can no longer be posted, frees its rows with both reasons', async () => {
    driver = await openLedger();
    const { signed, escrow } = await postingWritten(world, driver, 'taken-expired');
    await takeNonce();
    await world.chain.travel(86_401n); // past the job's deadline
    const summary = await settle(driver, world.settler, { confirmations: 1 });
    expect(summary.posted).toEqual([]);
    expect(summary.waiting[0]).toEqual({
      escrow,
      rows: 4,
      reason: expect.stringMatching(
        new RegExp(`deadline passed.*its transaction ${signed.hash} can never be mined`),
      ),
    });
    expect(await postsOf(escrow)).toBe(0);
  });
});

// A queue upgraded from a release before migrations 0051-0052: its posted batches have no
// stored allocations (the pass stores them, a few per pass, below the lowest batch that has
// some), and one batch was left 'posting' with no kept transaction. Signing that one again
// must not hide the posted ones above it from that walk.
/** The batches with stored allocations. */
async function stored(): Promise<number[]> {
  const { rows } = await driver.execute({
    sql: 'SELECT DISTINCT batch_id FROM settlement_allocations ORDER BY batch_id',
    params: {},
  });
  return rows.map((row) => Number(row.batch_id));
}

describe('allocations of an upgraded queue', () => {
  it('behavior: an old batch signed again does not leave the old posted batches above it without stored allocations', async () => {
    driver = await openLedger();
    // The lowest id: lost while 'posting', before a transaction was kept with it.
    const lost = (await postingWritten(world, driver, 'old-lost')).id;
    await driver.execute({
      sql: 'UPDATE settlement_batches SET tx_raw = NULL WHERE id = :id',
      params: { id: lost },
    });
    // Above it: two batches posted by that release.
    const old: number[] = [];
    for (const label of ['old-posted-1', 'old-posted-2']) {
      const { id, signed } = await postingWritten(world, driver, label);
      await markPosted(
        driver,
        id,
        { txHash: signed.hash, chainBatchId: BigInt(1000 + id), challengeEnd: 1 },
        Date.now(),
      );
      old.push(id);
    }
    await driver.execute({ sql: 'DELETE FROM settlement_allocations', params: {} });

    const summary = await settle(driver, world.settler);
    expect(summary.posted).toMatchObject([{ id: lost, how: 'reposted' }]);
    // The pass's walk stores them all (8 a pass): none is left to be rebuilt by the API.
    expect(await stored()).toEqual([lost, ...old]);
  });
});
