import { parseEther } from 'viem';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fundJob } from '../../contracts/client/actions/jobs.ts';
import { setSettler } from '../../contracts/client/actions/roles.ts';
import { register, requestUnstake } from '../../contracts/client/actions/workers.ts';
import { newJobId } from '../../contracts/test/fixture.ts';
import type { QueueDriver } from '../../core/queue/backend.ts';
import { settle } from '../../core/settlement/pass.ts';
import {
  openLedger,
  recordResults,
  resultsFor,
  type SettlementWorld,
  startWorld,
} from './world.ts';

/** Results the settler must not post yet: they wait, with a reason, and nothing goes on chain. */

let world: SettlementWorld;
let driver: QueueDriver;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(() => world?.stop());
afterEach(() => driver?.close());

const reward = parseEther('0.1');
/** A pass over 3 results for `escrow`: nothing posted, and the one reason given. */
async function expectWaiting(escrow: `0x${string}`, reason: RegExp) {
  driver = await openLedger();
  await recordResults(
    world,
    driver,
    escrow,
    resultsFor(escrow.slice(2, 10), world.workers, 3, reward),
  );
  const count = await world.batchCount();
  const logged: string[] = [];
  const summary = await settle(driver, world.settler, { log: (line) => logged.push(line) });
  expect(summary.posted).toEqual([]);
  expect(summary.waiting).toEqual([{ escrow, rows: 3, reason: expect.stringMatching(reason) }]);
  expect(logged.join('\n')).toMatch(reason);
  expect(await world.batchCount()).toBe(count);
  const [rows] = await driver.batch([
    { sql: 'SELECT count(*) AS n FROM settlement_results WHERE batch_id IS NULL', params: {} },
  ]);
  expect(rows!.rows[0]!.n).toBe(3);
}

describe('results that wait', () => {
  it('error: an escrow no one funded', async () => {
    await expectWaiting(
      newJobId('unfunded'),
      /no job 0x[0-9a-f]{64} on chain: its submitter has to fund it/,
    );
  });

  it('error: an escrow another settler settles', async () => {
    const other = world.d.challenger;
    await world.chain.mined(
      setSettler(world.d.admin, {
        address: world.d.address,
        settler: other.account.address,
        allowed: true,
      }),
    );
    const escrow = newJobId('other-settler');
    const deadline = (await world.chain.now()) + 86_400n;
    await world.chain.mined(
      fundJob(world.d.submitter, {
        address: world.d.address,
        jobId: escrow,
        settler: other.account.address,
        amount: parseEther('1'),
        deadline,
      }),
    );
    await expectWaiting(
      escrow,
      new RegExp(`is settled by ${other.account.address}, not by this settler`),
    );
  });

  it('error: an escrow whose deadline passed', async () => {
    const escrow = await world.fund(parseEther('1'), 60n);
    await world.chain.travel(61n);
    await expectWaiting(escrow, /deadline passed/);
  });

  it('error: an escrow that does not cover the batch', async () => {
    const escrow = await world.fund(reward * 2n);
    await expectWaiting(
      escrow,
      /escrow holds 200000000000000000 wei, the next batch needs 300000000000000000/,
    );
  });

  it("behavior: a result whose reward no escrow can hold (above uint96) waits alone; the escrow's other results are posted", async () => {
    driver = await openLedger();
    const escrow = await world.fund(parseEther('5'));
    const huge = 2n ** 96n;
    // Recorded first: the oldest, so it would lead the escrow's first batch.
    await recordResults(world, driver, escrow, [
      { task: 'huge-0', worker: world.workers[0]!, reward: huge },
    ]);
    await recordResults(world, driver, escrow, resultsFor('fine', world.workers, 3, reward));
    const summary = await settle(driver, world.settler);
    expect(summary.posted).toMatchObject([{ escrow, taskCount: 3, total: String(reward * 3n) }]);
    expect(summary.waiting).toEqual([
      {
        escrow,
        rows: 1,
        worker: world.workers[0]!.account.address,
        reason: expect.stringMatching(/reward .* more than an escrow can hold/),
      },
    ]);
  });

  it("behavior: an unstaked and an unbonding worker's results wait; the staked worker's are posted", async () => {
    driver = await openLedger();
    const staked = world.workers[0]!;
    const unstaked = world.d.workers[4]!;
    const leaving = world.d.workers[3]!;
    await world.chain.mined(
      register(leaving, { address: world.d.address, stake: parseEther('1') }),
    );
    await world.chain.mined(requestUnstake(leaving, { address: world.d.address }));
    const escrow = await world.fund(parseEther('5'));
    await recordResults(world, driver, escrow, [
      ...resultsFor('staked', [staked], 2, reward),
      ...resultsFor('unstaked', [unstaked], 1, reward),
      ...resultsFor('leaving', [leaving], 3, reward),
    ]);
    const summary = await settle(driver, world.settler);
    expect(summary.posted).toMatchObject([{ taskCount: 2, total: (reward * 2n).toString() }]);
    expect(summary.waiting).toEqual(
      expect.arrayContaining([
        {
          escrow,
          worker: unstaked.account.address,
          rows: 1,
          reason: expect.stringContaining('is not staked'),
        },
        {
          escrow,
          worker: leaving.account.address,
          rows: 3,
          reason: expect.stringContaining('is unbonding'),
        },
      ]),
    );
    expect(summary.waiting).toHaveLength(2);
  });
});

describe('a post the contract refuses', () => {
  it("error: a settler that lost its role: the escrow's rows wait with the refusal, nothing is written, the next pass posts once it is back", async () => {
    driver = await openLedger();
    const escrow = await world.fund(parseEther('1'));
    await recordResults(world, driver, escrow, resultsFor('revoked', world.workers, 2, reward));
    const role = (allowed: boolean) =>
      world.chain.mined(
        setSettler(world.d.admin, {
          address: world.d.address,
          settler: world.d.settler.account.address,
          allowed,
        }),
      );
    await role(false);
    let summary: Awaited<ReturnType<typeof settle>>;
    try {
      summary = await settle(driver, world.settler);
    } finally {
      await role(true);
    }
    expect(summary.posted).toEqual([]);
    expect(summary.waiting).toEqual([
      { escrow, rows: 0, reason: expect.stringMatching(/could not post.*NotSettler/s) },
    ]);
    const [batches] = await driver.batch([
      { sql: 'SELECT count(*) AS n FROM settlement_batches', params: {} },
    ]);
    expect(batches!.rows[0]!.n).toBe(0);
    expect((await settle(driver, world.settler)).posted).toMatchObject([{ escrow, taskCount: 2 }]);
  });
});
