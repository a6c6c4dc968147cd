import { parseEther } from 'viem';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { fundJob, reclaim } from '../client/actions/jobs.ts';
import { withdrawFees } from '../client/actions/payouts.ts';
import {
  getBatch,
  getJob,
  getReputation,
  getWorker,
  isActive,
  isClaimed,
} from '../client/actions/reads.ts';
import { claim, postBatch } from '../client/actions/settle.ts';
import { addStake, register, requestUnstake, withdrawStake } from '../client/actions/workers.ts';
import { allocationOf, buildBatch } from '../client/batch.ts';
import { startChain, type TestChain } from './chain.ts';
import {
  type Deployment,
  deploy,
  expectBalanced,
  fakeCid,
  newJobId,
  testParameters,
} from './fixture.ts';

describe('settlement lifecycle', () => {
  let chain: TestChain;
  let d: Deployment;

  beforeAll(async () => {
    chain = await startChain(10);
    d = await deploy(chain);
  });
  afterAll(() => chain?.stop());

  test('default: register, fund, post, wait out the window, claim, unstake, withdraw', async () => {
    const { address, settler, submitter, feeRecipient } = d;
    const [alice, bob, carol] = d.workers as [typeof settler, typeof settler, typeof settler];
    const fee = (amount: bigint) => (amount * testParameters.feeBps) / 10_000n;

    // Workers stake.
    for (const w of [alice, bob, carol])
      await chain.mined(register(w, { address, stake: parseEther('1') }));
    await chain.mined(addStake(alice, { address, amount: parseEther('0.5') }));
    expect((await getWorker(chain.reader, { address, worker: alice.account.address })).stake).toBe(
      parseEther('1.5'),
    );
    expect(await isActive(chain.reader, { address, worker: bob.account.address })).toBe(true);
    await expectBalanced(chain, address);

    // The submitter escrows rewards for a job.
    const jobId = newJobId();
    const deadline = (await chain.now()) + 86_400n;
    await chain.mined(
      fundJob(submitter, {
        address,
        jobId,
        settler: settler.account.address,
        amount: parseEther('10'),
        deadline,
      }),
    );
    await expectBalanced(chain, address);

    // Two batches of verified results.
    const reward = parseEther('0.1');
    const first = buildBatch([
      { taskCid: fakeCid('t1'), worker: alice.account.address, reward },
      { taskCid: fakeCid('t2'), worker: bob.account.address, reward },
      { taskCid: fakeCid('t3'), worker: alice.account.address, reward },
      { taskCid: fakeCid('t4'), worker: carol.account.address, reward: reward * 2n },
      { taskCid: fakeCid('t5'), worker: alice.account.address, reward },
    ]);
    const second = buildBatch([
      { taskCid: fakeCid('t6'), worker: alice.account.address, reward },
      { taskCid: fakeCid('t7'), worker: bob.account.address, reward },
    ]);
    const posted1 = await chain.mined(postBatch(settler, { address, jobId, batch: first }));
    const posted2 = await chain.mined(postBatch(settler, { address, jobId, batch: second }));
    const event = posted1.events.find((e) => e.eventName === 'BatchPosted');
    expect(event?.args.total).toBe(parseEther('0.6'));
    const batch1 = event!.args.batchId;
    const batch2 = posted2.events.find((e) => e.eventName === 'BatchPosted')!.args.batchId;
    expect((await getJob(chain.reader, { address, jobId })).escrow).toBe(
      parseEther('10') - parseEther('0.8'),
    );
    expect((await getBatch(chain.reader, { address, batchId: batch1 })).root).toBe(first.root);
    await expectBalanced(chain, address);

    // No claim inside the challenge window.
    const aliceItems = [
      { batchId: batch1, allocation: allocationOf(first, alice.account.address) },
      { batchId: batch2, allocation: allocationOf(second, alice.account.address) },
    ];
    await expect(
      claim(alice, { address, worker: alice.account.address, items: aliceItems }),
    ).rejects.toThrow(/ChallengeWindowOpen/);

    await chain.travel(testParameters.challengeWindow);

    // Alice claims both batches in one transaction; a stranger sends it, Alice is paid.
    const before = await chain.reader.getBalance({ address: alice.account.address });
    const claimed = await chain.mined(
      claim(carol, { address, worker: alice.account.address, items: aliceItems }),
    );
    const due = reward * 4n;
    expect(await chain.reader.getBalance({ address: alice.account.address })).toBe(
      before + due - fee(due),
    );
    expect(claimed.events.filter((e) => e.eventName === 'Claimed')).toHaveLength(2);
    expect(
      await isClaimed(chain.reader, {
        address,
        batchId: batch1,
        index: aliceItems[0]!.allocation.index,
      }),
    ).toBe(true);
    const rep = await getReputation(chain.reader, { address, worker: alice.account.address });
    expect(rep).toEqual({ completed: 4n, slashed: 0n, scoreBps: 10_000n });
    await expectBalanced(chain, address);

    for (const w of [bob, carol]) {
      const items = [{ batchId: batch1, allocation: allocationOf(first, w.account.address) }];
      await chain.mined(claim(w, { address, worker: w.account.address, items }));
    }
    await chain.mined(
      claim(bob, {
        address,
        worker: bob.account.address,
        items: [{ batchId: batch2, allocation: allocationOf(second, bob.account.address) }],
      }),
    );
    expect((await getBatch(chain.reader, { address, batchId: batch1 })).paid).toBe(first.total);
    await expectBalanced(chain, address);

    // Alice leaves: unbonding, then her whole stake back.
    await chain.mined(requestUnstake(alice, { address }));
    expect(await isActive(chain.reader, { address, worker: alice.account.address })).toBe(false);
    await chain.travel(testParameters.unbondingPeriod);
    const beforeExit = await chain.reader.getBalance({ address: alice.account.address });
    const exit = await chain.mined(withdrawStake(alice, { address }));
    const gas = exit.receipt.gasUsed * exit.receipt.effectiveGasPrice;
    expect(await chain.reader.getBalance({ address: alice.account.address })).toBe(
      beforeExit + parseEther('1.5') - gas,
    );
    expect((await getWorker(chain.reader, { address, worker: alice.account.address })).stake).toBe(
      0n,
    );

    // The job is over: the submitter takes back what was not spent; fees go to the recipient.
    await chain.mined(reclaim(submitter, { address, jobId }));
    expect((await getJob(chain.reader, { address, jobId })).escrow).toBe(0n);
    const feesBefore = await chain.reader.getBalance({ address: feeRecipient.account.address });
    await chain.mined(withdrawFees(submitter, { address }));
    expect(await chain.reader.getBalance({ address: feeRecipient.account.address })).toBe(
      feesBefore + fee(reward * 4n) + fee(reward) + fee(reward * 2n) + fee(reward),
    );
    await expectBalanced(chain, address);
    // Only Bob's and Carol's stakes remain.
    expect(await chain.reader.getBalance({ address })).toBe(parseEther('2'));
  });

  test('error: a claim with a proof for another worker is refused', async () => {
    const { address, settler, submitter } = d;
    const [, bob, carol] = d.workers as [typeof settler, typeof settler, typeof settler];
    const jobId = newJobId();
    await chain.mined(
      fundJob(submitter, {
        address,
        jobId,
        settler: settler.account.address,
        amount: parseEther('1'),
        deadline: (await chain.now()) + 86_400n,
      }),
    );
    const batch = buildBatch([
      { taskCid: fakeCid('x'), worker: bob.account.address, reward: parseEther('0.5') },
    ]);
    const { events } = await chain.mined(postBatch(settler, { address, jobId, batch }));
    const batchId = events.find((e) => e.eventName === 'BatchPosted')!.args.batchId;
    await chain.travel(testParameters.challengeWindow);
    const items = [{ batchId, allocation: allocationOf(batch, bob.account.address) }];
    await expect(claim(carol, { address, worker: carol.account.address, items })).rejects.toThrow(
      /InvalidProof/,
    );
    await chain.mined(claim(carol, { address, worker: bob.account.address, items }));
    await expect(claim(carol, { address, worker: bob.account.address, items })).rejects.toThrow(
      /AlreadyClaimed/,
    );
  });
});
