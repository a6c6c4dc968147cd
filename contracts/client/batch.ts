/**
 * Builds a settlement batch from verified results: per-worker subtrees of task leaves,
 * one allocation leaf per worker, and the batch root the settler posts. Every proof the
 * workers (to claim) and challengers (to reveal a task) need comes with it.
 */
import { type Address, getAddress, type Hex } from 'viem';
import { BatchError } from './errors.ts';
import { allocationLeaf, type CidLike, cidHash, taskLeaf } from './leaves.ts';
import { buildTree, getProof } from './merkle.ts';

/** One verified result to pay for. */
export interface SettledResult {
  readonly taskCid: CidLike;
  readonly worker: Address;
  readonly reward: bigint;
}

/** A task leaf inside a worker's subtree, with its proof up to `tasksRoot`. */
export interface BatchTask {
  readonly taskCidHash: Hex;
  readonly index: number;
  readonly reward: bigint;
  readonly proof: readonly Hex[];
}

/** A worker's allocation leaf, with its proof up to the batch root. */
export interface BatchAllocation {
  readonly worker: Address;
  readonly index: number;
  readonly amount: bigint;
  readonly taskCount: number;
  readonly tasksRoot: Hex;
  readonly proof: readonly Hex[];
  readonly tasks: readonly BatchTask[];
}

/** What a settler posts (`root`, `total`, `taskCount`) and what claimants need. */
export interface SettlementBatch {
  readonly root: Hex;
  readonly total: bigint;
  readonly taskCount: number;
  readonly allocations: readonly BatchAllocation[];
}

/**
 * Groups results by worker (workers ordered by address, tasks in the given order) and
 * builds both tree levels. Throws a `BatchError` on an empty batch or a non-positive reward.
 */
export function buildBatch(results: readonly SettledResult[]): SettlementBatch {
  if (results.length === 0) throw new BatchError('A batch needs at least one result.');
  const byWorker = new Map<Address, SettledResult[]>();
  for (const result of results) {
    if (result.reward <= 0n) {
      throw new BatchError(`Reward must be positive, got ${result.reward} for ${result.worker}.`);
    }
    const worker = getAddress(result.worker);
    const list = byWorker.get(worker) ?? [];
    list.push(result);
    byWorker.set(worker, list);
  }
  const workers = [...byWorker.keys()].sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1));

  const partial = workers.map((worker) => {
    const tasks = byWorker.get(worker)!;
    const hashes = tasks.map((task) => cidHash(task.taskCid));
    const tree = buildTree(tasks.map((task, i) => taskLeaf(hashes[i]!, worker, task.reward)));
    return {
      worker,
      amount: tasks.reduce((sum, task) => sum + task.reward, 0n),
      taskCount: tasks.length,
      tasksRoot: tree.root,
      tasks: tasks.map((task, index) => ({
        taskCidHash: hashes[index]!,
        index,
        reward: task.reward,
        proof: getProof(tree, index),
      })),
    };
  });
  const top = buildTree(
    partial.map((a) => allocationLeaf(a.worker, a.amount, BigInt(a.taskCount), a.tasksRoot)),
  );
  const allocations = partial.map((a, index) => ({ ...a, index, proof: getProof(top, index) }));
  return {
    root: top.root,
    total: allocations.reduce((sum, a) => sum + a.amount, 0n),
    taskCount: results.length,
    allocations,
  };
}

/** The allocation of `worker` in `batch`; throws a `BatchError` if it has none. */
export function allocationOf(batch: SettlementBatch, worker: Address): BatchAllocation {
  const found = batch.allocations.find((a) => a.worker.toLowerCase() === worker.toLowerCase());
  if (!found) throw new BatchError(`Worker ${worker} has no allocation in this batch.`);
  return found;
}

/** The task leaf for `taskCid` in an allocation; throws a `BatchError` if absent. */
export function taskOf(allocation: BatchAllocation, taskCid: CidLike): BatchTask {
  const hash = cidHash(taskCid);
  const found = allocation.tasks.find((t) => t.taskCidHash === hash);
  if (!found) throw new BatchError(`Task ${hash} is not in ${allocation.worker}'s allocation.`);
  return found;
}
