import { type Address, parseEther } from 'viem';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getBatch, isClaimed } from '../../contracts/client/actions/reads.ts';
import { claim } from '../../contracts/client/actions/settle.ts';
import { testParameters } from '../../contracts/test/fixture.ts';
import { toClaimItem, type WorkerClaim } from '../../core/settlement/claims.ts';
import { settle } from '../../core/settlement/pass.ts';
import { type ApiTestEnv, apiTestEnv, authed } from '../../functions/api/test-env.ts';
import { balanceOf, recordResults, resultsFor, type SettlementWorld, startWorld } from './world.ts';

/**
 * The settlement pass on a real anvil: batches on chain, workers' proofs from the job API
 * claimed after the challenge window, and nothing posted twice.
 */

let world: SettlementWorld;
let env: ApiTestEnv;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(() => world?.stop());
afterEach(() => env?.close());

const reward = parseEther('0.1');
const fee = (amount: bigint) => (amount * testParameters.feeBps) / 10_000n;

async function claimsOf(address: string): Promise<WorkerClaim[]> {
  const response = await env.app.request(`/v1/settlement/claims/${address}`, authed(env.globex));
  expect(response.status).toBe(200);
  return ((await response.json()) as { claims: WorkerClaim[] }).claims;
}

/** Claims `claims` for `worker` (sent by someone else) and checks it is paid `amount` minus the fee. */
async function expectPaid(worker: Address, claims: WorkerClaim[], amount: bigint) {
  const balance = await balanceOf(world, worker);
  await world.chain.mined(
    claim(world.d.challenger, {
      address: world.d.address,
      worker,
      items: claims.map((c) => toClaimItem(worker, c)),
    }),
  );
  expect(await balanceOf(world, worker)).toBe(balance + amount - fee(amount));
}

describe('settlement pass', () => {
  it("default: one batch with the rows' total; each worker claims its proof from the API after the window and is paid reward minus fee; a second pass posts nothing", async () => {
    env = await apiTestEnv();
    const driver = env.queue.driver;
    const [alice, bob] = world.workers as [(typeof world.workers)[0], (typeof world.workers)[0]];
    const escrow = await world.fund(parseEther('5'));
    await recordResults(world, driver, escrow, resultsFor('one', [alice, bob, alice], 5, reward));

    const before = await world.batchCount();
    const summary = await settle(driver, world.settler);
    expect(summary.waiting).toEqual([]);
    expect(summary.posted).toHaveLength(1);
    const [posted] = summary.posted;
    expect(posted).toMatchObject({
      escrow,
      total: (reward * 5n).toString(),
      taskCount: 5,
      how: 'posted',
    });
    const onChain = await getBatch(world.chain.reader, {
      address: world.d.address,
      batchId: BigInt(posted!.chainBatchId),
    });
    expect(onChain).toMatchObject({ root: posted!.root, total: reward * 5n, jobId: escrow });

    // Before the window ends the claim is refused by the contract.
    const aliceClaims = await claimsOf(alice.account.address.toLowerCase());
    expect(aliceClaims).toHaveLength(1);
    expect(aliceClaims[0]).toMatchObject({
      amount: (reward * 3n).toString(),
      taskCount: 3,
      claimableAfter: posted!.challengeEnd,
    });
    const items = (worker: typeof alice, claims: WorkerClaim[]) => ({
      address: world.d.address,
      worker: worker.account.address,
      items: claims.map((c) => toClaimItem(worker.account.address, c)),
    });
    await expect(
      world.chain.mined(claim(world.d.challenger, items(alice, aliceClaims))),
    ).rejects.toThrow();

    await world.chain.travel(testParameters.challengeWindow + 1n);
    for (const [worker, tasks] of [
      [alice, 3n],
      [bob, 2n],
    ] as const) {
      const claims = await claimsOf(worker.account.address);
      const balance = await balanceOf(world, worker.account.address);
      // Sent by someone else, so the worker's balance moves by exactly what it is paid.
      await world.chain.mined(claim(world.d.challenger, items(worker, claims)));
      expect(await balanceOf(world, worker.account.address)).toBe(
        balance + reward * tasks - fee(reward * tasks),
      );
      const index = Number(claims[0]!.allocation.index);
      expect(
        await isClaimed(world.chain.reader, {
          address: world.d.address,
          batchId: BigInt(posted!.chainBatchId),
          index,
        }),
      ).toBe(true);
    }

    const again = await settle(driver, world.settler);
    expect(again).toEqual({ posted: [], waiting: [], pending: [] });
    expect(await world.batchCount()).toBe(before + 1n);
  });

  it('behavior: more results than a batch holds make several batches, each claimable with its own proof', async () => {
    env = await apiTestEnv();
    const driver = env.queue.driver;
    const escrow = await world.fund(parseEther('5'));
    await recordResults(world, driver, escrow, resultsFor('many', world.workers, 7, reward));
    const summary = await settle(driver, world.settler, { maxBatchRows: 3 });
    expect(summary.posted.map((b) => b.taskCount)).toEqual([3, 3, 1]);
    await world.chain.travel(testParameters.challengeWindow + 1n);
    const carol = world.workers[2]!;
    const claims = await claimsOf(carol.account.address);
    expect(claims.length).toBe(2); // results 2 and 5 of 7 (batches 1 and 2)
    await expectPaid(carol.account.address, claims, reward * 2n);
  });

  it('behavior: a batch posted before allocations were stored (migration 0051) is served by the API, the next pass stores its allocations, and the proof read from them is paid on chain', async () => {
    env = await apiTestEnv();
    const driver = env.queue.driver;
    const escrow = await world.fund(parseEther('5'));
    const alice = world.workers[0]!;
    await recordResults(world, driver, escrow, resultsFor('before-0051', [alice], 2, reward));
    await settle(driver, world.settler);
    await driver.execute({ sql: 'DELETE FROM settlement_allocations', params: {} });
    const rebuilt = await claimsOf(alice.account.address);
    expect(rebuilt).toHaveLength(1);
    const lines: string[] = [];
    const pass = await settle(driver, world.settler, { log: (line) => lines.push(line) });
    expect(pass).toEqual({ posted: [], waiting: [], pending: [] });
    expect(lines).toContain('stored the allocations of 1 batch posted before migration 0051');
    const stored = await claimsOf(alice.account.address);
    expect(stored).toEqual(rebuilt);
    await world.chain.travel(testParameters.challengeWindow + 1n);
    await expectPaid(alice.account.address, stored, reward * 2n);
  });

  it('behavior: a page of claims ends with next, and ?after= gives the rest', async () => {
    env = await apiTestEnv();
    const driver = env.queue.driver;
    const escrow = await world.fund(parseEther('5'));
    const alice = world.workers[0]!;
    await recordResults(world, driver, escrow, resultsFor('pages', [alice], 3, reward));
    await settle(driver, world.settler, { maxBatchRows: 1 });
    const first = await env.app.request(
      `/v1/settlement/claims/${alice.account.address}?limit=2`,
      authed(env.acme),
    );
    const page = (await first.json()) as { claims: WorkerClaim[]; next: string };
    expect(page.claims).toHaveLength(2);
    const rest = await env.app.request(
      `/v1/settlement/claims/${alice.account.address}?after=${page.next}`,
      authed(env.acme),
    );
    const last = (await rest.json()) as { claims: WorkerClaim[]; next: string | null };
    expect(last.claims).toHaveLength(1);
    expect(last.next).toBeNull();
  });

  it('error: the claims route names a malformed address or query, and wants a key', async () => {
    env = await apiTestEnv();
    const bad = await env.app.request('/v1/settlement/claims/0x1234?limit=0', authed(env.acme));
    expect(bad.status).toBe(400);
    const fields = ((await bad.json()) as any).error.details.map((d: { field: string }) => d.field);
    expect(fields.sort()).toEqual(['address', 'limit']);
    const anonymous = await env.app.request(
      `/v1/settlement/claims/${world.workers[0]!.account.address}`,
    );
    expect(anonymous.status).toBe(401);
  });
});
