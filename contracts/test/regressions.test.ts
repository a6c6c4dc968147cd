/**
 * Holes an existing task-settlement contract has, each shown impossible here: an owner
 * draining stakes, challenges that need no bond or evidence, results accepted without any
 * check after a timeout, escrow that can never be refunded, stake that can never be fully
 * withdrawn, and payouts that fail for contract wallets.
 */
import { type Address, parseEther, zeroHash } from 'viem';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { challenge } from '../client/actions/challenge.ts';
import { fundJob, reclaim } from '../client/actions/jobs.ts';
import { withdrawCredits, withdrawFees } from '../client/actions/payouts.ts';
import { getJob, getWorker } from '../client/actions/reads.ts';
import { setSettler } from '../client/actions/roles.ts';
import { claim, postBatch, toAllocationArgument } from '../client/actions/settle.ts';
import type { SettlementWallet } from '../client/actions/types.ts';
import { addStake, register, requestUnstake, withdrawStake } from '../client/actions/workers.ts';
import { allocationOf, buildBatch } from '../client/batch.ts';
import { signResult } from '../client/eip712.ts';
import { toEvidence } from '../client/evidence.ts';
import { contractWalletAbi } from '../generated/ContractWallet.ts';
import { settlementAbi } from '../generated/Settlement.ts';
import { startChain, type TestChain } from './chain.ts';
import {
  type Deployment,
  deploy,
  expectBalanced,
  fakeCid,
  openJob,
  post,
  testParameters,
} from './fixture.ts';
import { deployContractWallet } from './wallets.ts';

describe('regressions', () => {
  let chain: TestChain;
  let d: Deployment;
  let w: SettlementWallet[];

  beforeAll(async () => {
    chain = await startChain(14);
    d = await deploy(chain);
    w = [...d.workers];
  });
  afterAll(() => chain?.stop());

  test('behavior: the only state-changing functions are the ones reviewed here', () => {
    const writes = settlementAbi
      .filter(
        (item) => item.type === 'function' && !['view', 'pure'].includes(item.stateMutability),
      )
      .map((item) => (item as { name: string }).name)
      .sort();
    // Admin functions touch roles only; every function that pays sends to msg.sender, to a
    // worker proven in a batch root, or to the immutable fee recipient.
    expect(writes).toEqual([
      'acceptAdmin',
      'addStake',
      'challenge',
      'claim',
      'fundJob',
      'postBatch',
      'reclaim',
      'register',
      'requestUnstake',
      'setSettler',
      'transferAdmin',
      'withdrawCredits',
      'withdrawFees',
      'withdrawStake',
    ]);
  });

  test('behavior: the admin cannot drain stakes, escrow or unclaimed rewards', async () => {
    const { address, admin, settler } = d;
    const worker = w[0]!;
    await chain.mined(register(worker, { address, stake: parseEther('3') }));
    const jobId = await openJob(chain, d, parseEther('4'));
    const batch = buildBatch([
      { taskCid: fakeCid('drain'), worker: worker.account.address, reward: parseEther('1') },
    ]);
    const batchId = await post(chain, d, jobId, batch);
    const adminBefore = await chain.reader.getBalance({ address: admin.account.address });

    // The admin makes itself a settler: the job named another settler, so its escrow is shut.
    await chain.mined(
      setSettler(admin, { address, settler: admin.account.address, allowed: true }),
    );
    const theft = buildBatch([
      { taskCid: fakeCid('theft'), worker: admin.account.address, reward: parseEther('3') },
    ]);
    await expect(postBatch(admin, { address, jobId, batch: theft })).rejects.toThrow(
      /NotJobSettler/,
    );
    // Nor can it reclaim the escrow, withdraw the worker's stake or claim the worker's reward.
    await chain.travel(testParameters.challengeWindow);
    await expect(reclaim(admin, { address, jobId })).rejects.toThrow(/NotSubmitter/);
    await expect(withdrawStake(admin, { address })).rejects.toThrow(/NotUnbonding/);
    await expect(withdrawCredits(admin, { address })).rejects.toThrow(/NothingToWithdraw/);
    const items = [{ batchId, allocation: allocationOf(batch, worker.account.address) }];
    await expect(claim(admin, { address, worker: admin.account.address, items })).rejects.toThrow(
      /InvalidProof/,
    );
    // Revoking the job's settler only stops new batches; posted rewards stay claimable.
    await chain.mined(
      setSettler(admin, { address, settler: settler.account.address, allowed: false }),
    );
    await chain.mined(claim(admin, { address, worker: worker.account.address, items }));
    await chain.mined(
      setSettler(admin, { address, settler: settler.account.address, allowed: true }),
    );

    expect((await getWorker(chain.reader, { address, worker: worker.account.address })).stake).toBe(
      parseEther('3'),
    );
    expect((await getJob(chain.reader, { address, jobId })).escrow).toBe(parseEther('3'));
    const spent = await chain.reader.getBalance({ address: admin.account.address });
    expect(spent < adminBefore).toBe(true); // it only paid gas
    await expectBalanced(chain, address);
  });

  test('behavior: fees go only to the fee recipient, whoever triggers the withdrawal', async () => {
    const before = await chain.reader.getBalance({ address: d.feeRecipient.account.address });
    await chain.mined(withdrawFees(d.admin, { address: d.address }));
    expect(
      await chain.reader.getBalance({ address: d.feeRecipient.account.address }),
    ).toBeGreaterThan(before);
    await expect(withdrawFees(d.admin, { address: d.address })).rejects.toThrow(
      /NothingToWithdraw/,
    );
  });

  test('error: a challenge without a bond reverts, and one without evidence slashes nobody', async () => {
    const { address, challenger } = d;
    const worker = w[1]!;
    await chain.mined(register(worker, { address, stake: parseEther('2') }));
    const jobId = await openJob(chain, d, parseEther('1'));
    const batch = buildBatch([
      { taskCid: fakeCid('nb'), worker: worker.account.address, reward: parseEther('1') },
    ]);
    const batchId = await post(chain, d, jobId, batch);
    const allocation = allocationOf(batch, worker.account.address);
    const params = {
      address,
      batchId,
      allocation,
      task: allocation.tasks[0]!,
      evidence: {
        resultA: zeroHash,
        signatureA: '0x',
        resultB: zeroHash,
        signatureB: '0x',
      } as const,
    };
    await expect(challenge(challenger, { ...params, bond: 0n })).rejects.toThrow(/WrongBond/);
    await expect(
      challenge(challenger, { ...params, bond: testParameters.challengeBond - 1n }),
    ).rejects.toThrow(/WrongBond/);
    const { events } = await chain.mined(
      challenge(challenger, { ...params, bond: testParameters.challengeBond }),
    );
    expect(events.map((e) => e.eventName)).toEqual(['ChallengeRejected']);
    // Different results, but unsigned: still nothing.
    const bare = { ...params.evidence, resultB: fakeCid('other').slice(0, 66) as `0x${string}` };
    const again = await chain.mined(
      challenge(challenger, { ...params, evidence: bare, bond: testParameters.challengeBond }),
    );
    expect(again.events.map((e) => e.eventName)).toEqual(['ChallengeRejected']);
    expect((await getWorker(chain.reader, { address, worker: worker.account.address })).stake).toBe(
      parseEther('2'),
    );
    await expectBalanced(chain, address);
  });

  test('behavior: nothing is paid without a posted root, however long anyone waits', async () => {
    const { address } = d;
    const worker = w[2]!;
    await chain.mined(register(worker, { address, stake: parseEther('1') }));
    const jobId = await openJob(chain, d, parseEther('2'), { seconds: 3_600n });
    // The worker "submits a result" by fabricating an allocation and waits past every timeout.
    const fake = buildBatch([
      { taskCid: fakeCid('self-paid'), worker: worker.account.address, reward: parseEther('2') },
    ]);
    await chain.travel(30n * 24n * 3_600n);
    const next =
      (await chain.reader.readContract({
        address,
        abi: settlementAbi,
        functionName: 'batchCount',
      })) + 1n;
    const items = [{ batchId: next, allocation: allocationOf(fake, worker.account.address) }];
    await expect(claim(worker, { address, worker: worker.account.address, items })).rejects.toThrow(
      /UnknownBatch/,
    );
    // Batches no longer open after the deadline: the escrow can only go back.
    await expect(postBatch(d.settler, { address, jobId, batch: fake })).rejects.toThrow(
      /DeadlinePassed/,
    );
    await chain.mined(reclaim(d.submitter, { address, jobId }));
    expect((await getJob(chain.reader, { address, jobId })).escrow).toBe(0n);
  });

  test('behavior: a posted leaf is paid only after the window and only against its proof', async () => {
    const { address } = d;
    const worker = w[2]!;
    const jobId = await openJob(chain, d, parseEther('2'));
    const batch = buildBatch([
      { taskCid: fakeCid('pp'), worker: worker.account.address, reward: parseEther('1') },
    ]);
    const batchId = await post(chain, d, jobId, batch);
    const allocation = allocationOf(batch, worker.account.address);
    const inflated = { ...allocation, amount: parseEther('2') };
    await expect(
      claim(worker, { address, worker: worker.account.address, items: [{ batchId, allocation }] }),
    ).rejects.toThrow(/ChallengeWindowOpen/);
    await chain.travel(testParameters.challengeWindow);
    await expect(
      claim(worker, {
        address,
        worker: worker.account.address,
        items: [{ batchId, allocation: inflated }],
      }),
    ).rejects.toThrow(/InvalidProof/);
  });

  test('behavior: unspent and voided escrow always goes back to the submitter', async () => {
    const { address, submitter, challenger } = d;
    const worker = w[3]!;
    await chain.mined(register(worker, { address, stake: parseEther('1') }));
    const jobId = await openJob(chain, d, parseEther('5'), { seconds: 600n });
    const task = fakeCid('voided');
    const batch = buildBatch([
      { taskCid: task, worker: worker.account.address, reward: parseEther('1') },
      { taskCid: fakeCid('kept'), worker: worker.account.address, reward: parseEther('1') },
    ]);
    const batchId = await post(chain, d, jobId, batch);
    await expect(reclaim(submitter, { address, jobId })).rejects.toThrow(/JobStillOpen/);
    // The deadline passes while the batch is still challengeable.
    await chain.travel(600n);
    await chain.mined(reclaim(submitter, { address, jobId }));
    expect((await getJob(chain.reader, { address, jobId })).escrow).toBe(0n);
    // A void after the first reclaim refills the escrow, and it can be reclaimed again.
    const domain = { chainId: chain.reader.chain!.id, verifyingContract: address };
    const a = await signResult(worker, domain, task, fakeCid('va'));
    const b = await signResult(worker, domain, task, fakeCid('vb'));
    const allocation = allocationOf(batch, worker.account.address);
    await chain.mined(
      challenge(challenger, {
        address,
        batchId,
        allocation,
        task: allocation.tasks[0]!,
        evidence: toEvidence(a, b),
        bond: testParameters.challengeBond,
      }),
    );
    expect((await getJob(chain.reader, { address, jobId })).escrow).toBe(parseEther('1'));
    await chain.mined(reclaim(submitter, { address, jobId }));
    expect((await getJob(chain.reader, { address, jobId })).escrow).toBe(0n);
    await expectBalanced(chain, address);
  });

  test('behavior: the whole stake comes back, added stake and slashed remainder included', async () => {
    const { address } = d;
    const worker = w[4]!;
    await chain.mined(register(worker, { address, stake: parseEther('1') }));
    await chain.mined(addStake(worker, { address, amount: parseEther('0.7') }));
    await chain.mined(addStake(worker, { address, amount: 3n }));
    await chain.mined(requestUnstake(worker, { address }));
    await expect(addStake(worker, { address, amount: 1n })).rejects.toThrow(/Unbonding/);
    await expect(withdrawStake(worker, { address })).rejects.toThrow(/StillBonded/);
    await chain.travel(testParameters.unbondingPeriod);
    const before = await chain.reader.getBalance({ address: worker.account.address });
    const { receipt } = await chain.mined(withdrawStake(worker, { address }));
    const gas = receipt.gasUsed * receipt.effectiveGasPrice;
    expect(await chain.reader.getBalance({ address: worker.account.address })).toBe(
      before + parseEther('1.7') + 3n - gas,
    );
    expect((await getWorker(chain.reader, { address, worker: worker.account.address })).stake).toBe(
      0n,
    );
    // And the worker may come back.
    await chain.mined(register(worker, { address, stake: parseEther('1') }));

    // The slashed worker of the escrow test withdraws what the slash left, all of it.
    const slashed = w[3]!;
    const left = (await getWorker(chain.reader, { address, worker: slashed.account.address }))
      .stake;
    expect(left).toBe(parseEther('0.5'));
    await chain.mined(requestUnstake(slashed, { address }));
    await chain.travel(testParameters.unbondingPeriod);
    await chain.mined(withdrawStake(slashed, { address }));
    expect(
      (await getWorker(chain.reader, { address, worker: slashed.account.address })).stake,
    ).toBe(0n);
    await expectBalanced(chain, address);
  });

  test('behavior: contract wallets stake, get paid, withdraw, fund and reclaim', async () => {
    const { address, settler } = d;
    const workerWallet = await deployContractWallet(chain, w[5]!);
    const submitterWallet = await deployContractWallet(chain, w[6]!);
    const received = (wallet: Address) =>
      chain.reader.readContract({
        address: wallet,
        abi: contractWalletAbi,
        functionName: 'received',
      });

    await chain.mined(
      workerWallet.callSettlement(address, { functionName: 'register', value: parseEther('1') }),
    );
    const jobId = `0x${'c'.repeat(64)}` as const;
    const deadline = (await chain.now()) + 7_200n;
    await chain.mined(
      submitterWallet.callSettlement(address, {
        functionName: 'fundJob',
        args: [jobId, settler.account.address, deadline],
        value: parseEther('3'),
      }),
    );
    const batch = buildBatch([
      { taskCid: fakeCid('cw'), worker: workerWallet.address, reward: parseEther('1') },
    ]);
    const batchId = await post(chain, d, jobId, batch);
    await chain.travel(testParameters.challengeWindow);

    // Paid by a claim the wallet sends itself, with its receive() spending > 2300 gas.
    const allocation = toAllocationArgument(batchId, allocationOf(batch, workerWallet.address));
    await chain.mined(
      workerWallet.callSettlement(address, {
        functionName: 'claim',
        args: [workerWallet.address, [allocation]],
      }),
    );
    expect(await received(workerWallet.address)).toBe(parseEther('0.99'));

    await chain.mined(workerWallet.callSettlement(address, { functionName: 'requestUnstake' }));
    await chain.travel(testParameters.unbondingPeriod);
    await chain.mined(workerWallet.callSettlement(address, { functionName: 'withdrawStake' }));
    expect(await received(workerWallet.address)).toBe(parseEther('1.99'));

    await chain.mined(
      submitterWallet.callSettlement(address, { functionName: 'reclaim', args: [jobId] }),
    );
    expect(await received(submitterWallet.address)).toBe(parseEther('2'));
    await expectBalanced(chain, address);
  });

  test('error: a new job must name a settler that holds the role', async () => {
    const deadline = (await chain.now()) + 3_600n;
    await expect(
      fundJob(d.submitter, {
        address: d.address,
        jobId: `0x${'d'.repeat(64)}`,
        settler: d.submitter.account.address,
        amount: 1n,
        deadline,
      }),
    ).rejects.toThrow(/NotSettler/);
  });
});
