import { type Hex, hexToBigInt, numberToHex, parseEther, slice } from 'viem';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { challenge } from '../client/actions/challenge.ts';
import { fundJob } from '../client/actions/jobs.ts';
import { withdrawCredits } from '../client/actions/payouts.ts';
import {
  getCredits,
  getJob,
  getReputation,
  getVoided,
  getWorker,
  isVoided,
} from '../client/actions/reads.ts';
import { claim, postBatch } from '../client/actions/settle.ts';
import type { SettlementWallet } from '../client/actions/types.ts';
import { register } from '../client/actions/workers.ts';
import { allocationOf, buildBatch, type SettlementBatch, taskOf } from '../client/batch.ts';
import { type SignedResult, signResult } from '../client/eip712.ts';
import { buildEvidence, type EvidenceArgument, toEvidence } from '../client/evidence.ts';
import { startChain, type TestChain } from './chain.ts';
import {
  type Deployment,
  deploy,
  expectBalanced,
  fakeCid,
  newJobId,
  testParameters,
} from './fixture.ts';

const ORDER = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

/** The same signature in its other (high-s) form, which ecrecover alone would accept. */
function malleate(signature: Hex): Hex {
  const r = slice(signature, 0, 32);
  const s = hexToBigInt(slice(signature, 32, 64));
  const v = hexToBigInt(slice(signature, 64, 65));
  return `${r}${numberToHex(ORDER - s, { size: 32 }).slice(2)}${numberToHex(v === 27n ? 28n : 27n, { size: 1 }).slice(2)}`;
}

describe('challenges and slashing', () => {
  let chain: TestChain;
  let d: Deployment;
  let cheat: SettlementWallet;
  let honest: SettlementWallet;
  let domain: { chainId: number; verifyingContract: `0x${string}` };
  const reward = parseEther('0.2');
  const stake = parseEther('2');

  beforeAll(async () => {
    chain = await startChain(10);
    d = await deploy(chain);
    [cheat, honest] = d.workers as [SettlementWallet, SettlementWallet];
    domain = { chainId: chain.reader.chain!.id, verifyingContract: d.address };
  });
  afterAll(() => chain?.stop());

  /** A fresh worker registration is not possible per test, so each test gets fresh tasks. */
  async function postTasks(label: string) {
    const { address, settler, submitter } = d;
    const jobId = newJobId(label);
    await chain.mined(
      fundJob(submitter, {
        address,
        jobId,
        settler: settler.account.address,
        amount: parseEther('5'),
        deadline: (await chain.now()) + 86_400n,
      }),
    );
    const task = fakeCid(`${label}-task`);
    const batch = buildBatch([
      { taskCid: task, worker: cheat.account.address, reward },
      { taskCid: fakeCid(`${label}-other`), worker: cheat.account.address, reward },
      { taskCid: fakeCid(`${label}-honest`), worker: honest.account.address, reward },
    ]);
    const { events } = await chain.mined(postBatch(settler, { address, jobId, batch }));
    const batchId = events.find((e) => e.eventName === 'BatchPosted')!.args.batchId;
    return { jobId, task, batch, batchId };
  }

  function challengeLeaf(
    batch: SettlementBatch,
    batchId: bigint,
    task: Hex,
    evidence: EvidenceArgument,
    bond = testParameters.challengeBond,
  ) {
    const allocation = allocationOf(batch, cheat.account.address);
    return challenge(d.challenger, {
      address: d.address,
      batchId,
      allocation,
      task: taskOf(allocation, task),
      evidence,
      bond,
    });
  }

  async function expectRejected(evidence: EvidenceArgument, label: string) {
    const { batch, batchId, task } = await postTasks(label);
    const stakeBefore = (
      await getWorker(chain.reader, { address: d.address, worker: cheat.account.address })
    ).stake;
    const creditBefore = await getCredits(chain.reader, {
      address: d.address,
      account: cheat.account.address,
    });
    const { events } = await chain.mined(challengeLeaf(batch, batchId, task, evidence));
    expect(events.map((e) => e.eventName)).toEqual(['ChallengeRejected']);
    expect(
      (await getWorker(chain.reader, { address: d.address, worker: cheat.account.address })).stake,
    ).toBe(stakeBefore);
    // The forfeited bond compensates the wrongly accused worker.
    expect(
      await getCredits(chain.reader, { address: d.address, account: cheat.account.address }),
    ).toBe(creditBefore + testParameters.challengeBond);
    await expectBalanced(chain, d.address);
  }

  test('behavior: two conflicting signed results void the leaf and slash half the stake', async () => {
    const { address, submitter, challenger } = d;
    await chain.mined(register(cheat, { address, stake }));
    await chain.mined(register(honest, { address, stake }));
    const { jobId, task, batch, batchId } = await postTasks('valid');
    const a = await signResult(cheat, domain, task, fakeCid('result-a'));
    const b = await signResult(cheat, domain, task, fakeCid('result-b'));
    const evidence = await buildEvidence(domain, cheat.account.address, a, b);
    const escrowBefore = (await getJob(chain.reader, { address, jobId })).escrow;

    const { events } = await chain.mined(challengeLeaf(batch, batchId, task, evidence));
    const accepted = events.find((e) => e.eventName === 'ChallengeAccepted');
    expect(accepted?.args).toMatchObject({
      worker: cheat.account.address,
      voidedReward: reward,
      slashed: stake / 2n,
    });
    expect((await getWorker(chain.reader, { address, worker: cheat.account.address })).stake).toBe(
      stake / 2n,
    );
    expect(await getCredits(chain.reader, { address, account: challenger.account.address })).toBe(
      testParameters.challengeBond + stake / 4n,
    );
    expect(await getCredits(chain.reader, { address, account: submitter.account.address })).toBe(
      stake / 4n,
    );
    expect((await getJob(chain.reader, { address, jobId })).escrow).toBe(escrowBefore + reward);
    expect(
      await getReputation(chain.reader, { address, worker: cheat.account.address }),
    ).toMatchObject({
      slashed: 1n,
    });
    await expectBalanced(chain, address);

    const cheatAllocation = allocationOf(batch, cheat.account.address);
    const voidedTask = taskOf(cheatAllocation, task);
    expect(
      await isVoided(chain.reader, {
        address,
        batchId,
        index: cheatAllocation.index,
        taskIndex: voidedTask.index,
      }),
    ).toBe(true);
    expect(
      await getVoided(chain.reader, { address, batchId, index: cheatAllocation.index }),
    ).toEqual({
      amount: reward,
      tasks: 1n,
    });

    // The same leaf cannot be voided twice.
    await expect(challengeLeaf(batch, batchId, task, evidence)).rejects.toThrow(/AlreadyVoided/);

    // After the window the cheat is paid only for the leaf that stood, net of the fee.
    await chain.travel(testParameters.challengeWindow);
    const before = await chain.reader.getBalance({ address: cheat.account.address });
    const items = [{ batchId, allocation: allocationOf(batch, cheat.account.address) }];
    await chain.mined(claim(challenger, { address, worker: cheat.account.address, items }));
    const fee = (reward * testParameters.feeBps) / 10_000n;
    expect(await chain.reader.getBalance({ address: cheat.account.address })).toBe(
      before + reward - fee,
    );
    expect(
      (await getReputation(chain.reader, { address, worker: cheat.account.address })).completed,
    ).toBe(1n);

    // The challenger pulls its bond and share.
    await chain.mined(withdrawCredits(challenger, { address }));
    expect(await getCredits(chain.reader, { address, account: challenger.account.address })).toBe(
      0n,
    );
    await expectBalanced(chain, address);
  });

  test('behavior: a forged signature forfeits the bond and slashes nobody', async () => {
    const task = fakeCid('forged-task');
    const a = await signResult(cheat, domain, task, fakeCid('forged-a'));
    // The challenger signs the second result itself, pretending it is the worker's.
    const forged = await signResult(d.challenger, domain, task, fakeCid('forged-b'));
    await expect(buildEvidence(domain, cheat.account.address, a, forged)).rejects.toMatchObject({
      name: 'EvidenceError',
    });
    // Its task CID must match the leaf, so the evidence is rebuilt for the posted task.
    await expectRejected(toEvidence(a, forged), 'forged');
  });

  test('behavior: tampered signature bytes forfeit the bond', async () => {
    const task = fakeCid('tampered-task');
    const a = await signResult(cheat, domain, task, fakeCid('tampered-a'));
    const b = await signResult(cheat, domain, task, fakeCid('tampered-b'));
    const broken =
      `${b.signature.slice(0, 10)}${b.signature[10] === '0' ? '1' : '0'}${b.signature.slice(11)}` as Hex;
    await expectRejected(toEvidence(a, { ...b, signature: broken }), 'tampered');
  });

  test("behavior: a different worker's signatures do not slash the leaf's worker", async () => {
    const { batch, batchId, task } = await postTasks('other-worker');
    const a = await signResult(honest, domain, task, fakeCid('ow-a'));
    const b = await signResult(honest, domain, task, fakeCid('ow-b'));
    const honestStake = (
      await getWorker(chain.reader, { address: d.address, worker: honest.account.address })
    ).stake;
    const { events } = await chain.mined(challengeLeaf(batch, batchId, task, toEvidence(a, b)));
    expect(events.map((e) => e.eventName)).toEqual(['ChallengeRejected']);
    expect(
      (await getWorker(chain.reader, { address: d.address, worker: honest.account.address })).stake,
    ).toBe(honestStake);
  });

  test('behavior: identical results are not evidence', async () => {
    const task = fakeCid('identical-task');
    const a = await signResult(cheat, domain, task, fakeCid('same'));
    await expect(buildEvidence(domain, cheat.account.address, a, a)).rejects.toMatchObject({
      name: 'EvidenceError',
    });
    await expectRejected(toEvidence(a, a), 'identical');
  });

  test('behavior: the high-s twin of a valid signature is not a second signature', async () => {
    const task = fakeCid('malleable-task');
    const a = await signResult(cheat, domain, task, fakeCid('m-a'));
    const b: SignedResult = await signResult(cheat, domain, task, fakeCid('m-b'));
    await expectRejected(toEvidence(a, { ...b, signature: malleate(b.signature) }), 'malleable');
  });

  test('behavior: signatures over another task do not convict this leaf', async () => {
    const other = fakeCid('a-task-not-in-the-batch');
    const a = await signResult(cheat, domain, other, fakeCid('u-a'));
    const b = await signResult(cheat, domain, other, fakeCid('u-b'));
    await expectRejected(toEvidence(a, b), 'unrelated');
  });

  test('error: a challenge without the exact bond reverts', async () => {
    const { batch, batchId, task } = await postTasks('no-bond');
    const a = await signResult(cheat, domain, task, fakeCid('nb-a'));
    const b = await signResult(cheat, domain, task, fakeCid('nb-b'));
    await expect(challengeLeaf(batch, batchId, task, toEvidence(a, b), 0n)).rejects.toThrow(
      /WrongBond/,
    );
  });

  test('error: a leaf that is not in the batch cannot be challenged', async () => {
    const { batch, batchId } = await postTasks('not-in-batch');
    const stranger = fakeCid('never-posted');
    const a = await signResult(cheat, domain, stranger, fakeCid('n-a'));
    const b = await signResult(cheat, domain, stranger, fakeCid('n-b'));
    const allocation = allocationOf(batch, cheat.account.address);
    const real = allocation.tasks[0]!;
    await expect(
      challenge(d.challenger, {
        address: d.address,
        batchId,
        allocation,
        task: { ...real, taskCidHash: toEvidence(a, b).resultA },
        evidence: toEvidence(a, b),
        bond: testParameters.challengeBond,
      }),
    ).rejects.toThrow(/InvalidProof/);
  });

  test('error: the window closes challenges', async () => {
    const { batch, batchId, task } = await postTasks('late');
    const a = await signResult(cheat, domain, task, fakeCid('l-a'));
    const b = await signResult(cheat, domain, task, fakeCid('l-b'));
    await chain.travel(testParameters.challengeWindow);
    await expect(challengeLeaf(batch, batchId, task, toEvidence(a, b))).rejects.toThrow(
      /ChallengeWindowClosed/,
    );
  });
});
