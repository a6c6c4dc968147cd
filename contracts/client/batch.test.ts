import { parseEther } from 'viem';
import { describe, expect, test } from 'vitest';
import { allocationOf, buildBatch, taskOf } from './batch.ts';
import { allocationLeaf, cidHash, taskLeaf } from './leaves.ts';
import { verifyProof } from './merkle.ts';

const alice = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const bob = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC';
const cid = (n: number) => new Uint8Array([1, 0x71, 0x12, 0x20, n]);

describe('buildBatch', () => {
  test('default: one allocation per worker, subtotals and proofs at both levels', () => {
    const batch = buildBatch([
      { taskCid: cid(1), worker: bob, reward: parseEther('1') },
      { taskCid: cid(2), worker: alice, reward: parseEther('2') },
      { taskCid: cid(3), worker: bob.toLowerCase() as `0x${string}`, reward: parseEther('3') },
    ]);
    expect(batch.total).toBe(parseEther('6'));
    expect(batch.taskCount).toBe(3);
    expect(batch.allocations.map((a) => a.worker)).toEqual([bob, alice]);
    const b = allocationOf(batch, bob);
    expect(b).toMatchObject({ amount: parseEther('4'), taskCount: 2 });
    const leaf = allocationLeaf(b.worker, b.amount, BigInt(b.taskCount), b.tasksRoot);
    expect(verifyProof(b.proof, BigInt(b.index), leaf, batch.root)).toBe(true);
    const t = taskOf(b, cid(3));
    expect(t.taskCidHash).toBe(cidHash(cid(3)));
    expect(
      verifyProof(t.proof, BigInt(t.index), taskLeaf(t.taskCidHash, bob, t.reward), b.tasksRoot),
    ).toBe(true);
  });

  test('behavior: a multiformats-style CID object hashes like its bytes', () => {
    expect(cidHash({ bytes: cid(7) })).toBe(cidHash(cid(7)));
  });

  test('error: empty batches, non-positive rewards and absent workers are refused', () => {
    expect(() => buildBatch([])).toThrow(expect.objectContaining({ name: 'BatchError' }));
    expect(() => buildBatch([{ taskCid: cid(1), worker: alice, reward: 0n }])).toThrow(
      expect.objectContaining({ name: 'BatchError' }),
    );
    const batch = buildBatch([{ taskCid: cid(1), worker: alice, reward: 1n }]);
    expect(() => allocationOf(batch, bob)).toThrow(expect.objectContaining({ name: 'BatchError' }));
    expect(() => taskOf(allocationOf(batch, alice), cid(2))).toThrow(
      expect.objectContaining({ name: 'BatchError' }),
    );
  });
});
