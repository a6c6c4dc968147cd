import { type Address, encodeFunctionData, parseEther, toFunctionSelector } from 'viem';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { getWorker } from '../client/actions/reads.ts';
import { toAllocationArgument } from '../client/actions/settle.ts';
import { allocationOf, buildBatch } from '../client/batch.ts';
import { reentrantReceiverAbi } from '../generated/ReentrantReceiver.ts';
import { settlementAbi } from '../generated/Settlement.ts';
import { startChain, type TestChain } from './chain.ts';
import {
  type Deployment,
  deploy,
  expectBalanced,
  fakeCid,
  post,
  testParameters,
} from './fixture.ts';
import { type ContractAccount, deployReentrantReceiver } from './wallets.ts';

const reentrancySelector = toFunctionSelector('Reentrancy()');

describe('reentrancy', () => {
  let chain: TestChain;
  let d: Deployment;
  let attacker: ContractAccount;

  beforeAll(async () => {
    chain = await startChain(8);
    d = await deploy(chain);
    attacker = await deployReentrantReceiver(chain, d.workers[0]!);
  });
  afterAll(() => chain?.stop());

  const read = <F extends 'attempts' | 'successes' | 'lastError'>(functionName: F) =>
    chain.reader.readContract({
      address: attacker.address,
      abi: reentrantReceiverAbi,
      functionName,
    });

  async function arm(data: `0x${string}`) {
    await chain.mined(
      d.workers[0]!.writeContract({
        address: attacker.address,
        abi: reentrantReceiverAbi,
        functionName: 'arm',
        args: [d.address, data],
        account: d.workers[0]!.account,
        chain: d.workers[0]!.chain,
      }),
    );
  }

  async function expectBlocked(attemptsSoFar: bigint) {
    expect(await read('attempts')).toBe(attemptsSoFar);
    expect(await read('successes')).toBe(0n);
    expect((await read('lastError')).slice(0, 10)).toBe(reentrancySelector);
    await expectBalanced(chain, d.address);
  }

  test('error: a malicious worker re-entering claim from its receive() is paid once', async () => {
    const { address, submitter, settler } = d;
    await chain.mined(
      attacker.callSettlement(address, { functionName: 'register', value: parseEther('1') }),
    );
    const jobId = `0x${'e'.repeat(64)}` as const;
    await chain.mined(
      submitter.writeContract({
        address,
        abi: settlementAbi,
        functionName: 'fundJob',
        args: [jobId, settler.account.address, Number((await chain.now()) + 86_400n)],
        value: parseEther('2'),
        account: submitter.account,
        chain: submitter.chain,
      }),
    );
    // Two batches: the re-entry tries to claim the second while the first is being paid.
    const batches = [
      buildBatch([
        { taskCid: fakeCid('r1'), worker: attacker.address as Address, reward: parseEther('0.5') },
      ]),
      buildBatch([
        { taskCid: fakeCid('r2'), worker: attacker.address as Address, reward: parseEther('0.5') },
      ]),
    ];
    const ids = [
      await post(chain, d, jobId, batches[0]!),
      await post(chain, d, jobId, batches[1]!),
    ];
    await chain.travel(testParameters.challengeWindow);
    const args = (i: number) =>
      [
        attacker.address,
        [toAllocationArgument(ids[i]!, allocationOf(batches[i]!, attacker.address))],
      ] as const;
    await arm(encodeFunctionData({ abi: settlementAbi, functionName: 'claim', args: args(1) }));
    const before = await chain.reader.getBalance({ address: attacker.address });
    await chain.mined(attacker.callSettlement(address, { functionName: 'claim', args: args(0) }));
    expect(await chain.reader.getBalance({ address: attacker.address })).toBe(
      before + parseEther('0.495'),
    );
    await expectBlocked(1n);
  });

  test('error: re-entering withdrawStake from its own payout withdraws nothing more', async () => {
    const { address } = d;
    await chain.mined(attacker.callSettlement(address, { functionName: 'requestUnstake' }));
    await chain.travel(testParameters.unbondingPeriod);
    await arm(encodeFunctionData({ abi: settlementAbi, functionName: 'withdrawStake' }));
    const before = await chain.reader.getBalance({ address: attacker.address });
    await chain.mined(attacker.callSettlement(address, { functionName: 'withdrawStake' }));
    expect(await chain.reader.getBalance({ address: attacker.address })).toBe(
      before + parseEther('1'),
    );
    expect((await getWorker(chain.reader, { address, worker: attacker.address })).stake).toBe(0n);
    await expectBlocked(2n);
  });

  test('error: re-entering reclaim from a reclaim payout reclaims nothing more', async () => {
    const { address, settler } = d;
    const jobId = `0x${'f'.repeat(64)}` as const;
    await chain.mined(
      attacker.callSettlement(address, {
        functionName: 'fundJob',
        args: [jobId, settler.account.address, (await chain.now()) + 60n],
        value: parseEther('1'),
      }),
    );
    await chain.travel(120n);
    await arm(encodeFunctionData({ abi: settlementAbi, functionName: 'reclaim', args: [jobId] }));
    const before = await chain.reader.getBalance({ address: attacker.address });
    await chain.mined(attacker.callSettlement(address, { functionName: 'reclaim', args: [jobId] }));
    expect(await chain.reader.getBalance({ address: attacker.address })).toBe(
      before + parseEther('1'),
    );
    await expectBlocked(3n);
  });
});
