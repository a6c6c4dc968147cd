/** The TypeScript client and the contract agree on every hash they share. */
import { parseEther } from 'viem';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { allocationOf, buildBatch } from '../client/batch.ts';
import { resultDigest, signResult, verifyResult } from '../client/eip712.ts';
import { allocationLeaf, cidHash, taskLeaf } from '../client/leaves.ts';
import { settlementAbi } from '../generated/Settlement.ts';
import { startChain, type TestChain } from './chain.ts';
import { type Deployment, deploy, fakeCid } from './fixture.ts';

describe('client against the contract', () => {
  let chain: TestChain;
  let d: Deployment;

  beforeAll(async () => {
    chain = await startChain(7);
    d = await deploy(chain);
  });
  afterAll(() => chain?.stop());

  const read = <F extends 'taskLeaf' | 'allocationLeaf' | 'resultDigest'>(
    functionName: F,
    args: readonly unknown[],
  ) =>
    chain.reader.readContract({
      address: d.address,
      abi: settlementAbi,
      functionName,
      args: args as never,
    });

  test('default: leaves and result digests match the contract', async () => {
    const worker = d.workers[0]!.account.address;
    const batch = buildBatch([{ taskCid: fakeCid('a'), worker, reward: parseEther('1') }]);
    const a = allocationOf(batch, worker);
    const t = a.tasks[0]!;
    expect(await read('taskLeaf', [t.taskCidHash, worker, t.reward])).toBe(
      taskLeaf(t.taskCidHash, worker, t.reward),
    );
    expect(await read('allocationLeaf', [worker, a.amount, BigInt(a.taskCount), a.tasksRoot])).toBe(
      allocationLeaf(worker, a.amount, BigInt(a.taskCount), a.tasksRoot),
    );
    const domain = { chainId: chain.reader.chain!.id, verifyingContract: d.address };
    expect(await read('resultDigest', [cidHash(fakeCid('a')), cidHash(fakeCid('r'))])).toBe(
      resultDigest(domain, fakeCid('a'), fakeCid('r')),
    );
  });

  test('behavior: a signed result verifies for its worker only', async () => {
    const domain = { chainId: chain.reader.chain!.id, verifyingContract: d.address };
    const signed = await signResult(d.workers[0]!, domain, fakeCid('t'), fakeCid('r'));
    expect(await verifyResult(domain, d.workers[0]!.account.address, signed)).toBe(true);
    expect(await verifyResult(domain, d.workers[1]!.account.address, signed)).toBe(false);
    const otherChain = { ...domain, chainId: 1 };
    expect(await verifyResult(otherChain, d.workers[0]!.account.address, signed)).toBe(false);
  });
});
