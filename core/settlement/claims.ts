/**
 * What a worker needs to claim its rewards: for each posted batch it has results in, its
 * allocation as the contract's `claim` takes it (`toAllocationArgument`). A batch stores
 * its allocations when it is made (post.ts), so a claim is read, checked up its proof
 * (stored-allocation.ts) and served, with no tree built. Batches made before that have
 * none stored: theirs is computed again from the batch's rows (rebuild.ts: they must give
 * the posted root), at most a few per request, and the built batches are kept (posted
 * batches never change).
 */
import type { Address, Hash, Hex } from 'viem';
import { getAddress } from 'viem';
import { type ClaimItem, toAllocationArgument } from '../../contracts/client/actions/settle.ts';
import { allocationOf, type SettlementBatch } from '../../contracts/client/batch.ts';
import type { QueueDriver } from '../queue/backend.ts';
import { sql } from '../queue/sql.ts';
import { rebuildBatch } from './rebuild.ts';
import { storedAllocation } from './stored-allocation.ts';

/** One allocation a worker can claim, JSON-ready (integers as decimal text). */
export interface WorkerClaim {
  /** settlement_batches.id: the cursor of the next page. */
  readonly id: number;
  readonly escrow: Hex;
  readonly txHash: Hash;
  /** The worker's reward in this batch, wei, before the protocol fee. */
  readonly amount: string;
  readonly taskCount: number;
  /** Unix seconds; the claim is accepted after it. */
  readonly claimableAfter: number;
  /** The contract's `Allocation` argument of `claim(worker, allocations)`. */
  readonly allocation: {
    readonly batchId: string;
    readonly index: string;
    readonly amount: string;
    readonly taskCount: string;
    readonly tasksRoot: Hex;
    readonly proof: readonly Hex[];
  };
}

/** Options of {@link ClaimBook.claimsOf}. */
export interface ClaimPage {
  /** Only batches with a larger id (a page's last `id`); default 0. */
  readonly after?: number;
  /** Most claims (default 20). */
  readonly limit?: number;
}

/**
 * Workers' claims from one queue. Batches with stored allocations cost a read; for a batch
 * made before they were stored, the tree is built again and kept (at most `cacheSize`),
 * and a read builds at most `buildsPerPage` batches not kept (default 8) and ends there:
 * whoever asks, for whatever address and page size, one request hashes at most that many
 * trees (a batch of 4096 rows is about a quarter of a second) on the server's event loop.
 */
export class ClaimBook {
  readonly #driver: QueueDriver;
  readonly #built = new Map<number, SettlementBatch>();
  readonly #cacheSize: number;
  readonly #buildsPerPage: number;

  constructor(driver: QueueDriver, options: { cacheSize?: number; buildsPerPage?: number } = {}) {
    this.#driver = driver;
    this.#cacheSize = options.cacheSize ?? 64;
    this.#buildsPerPage = options.buildsPerPage ?? 8;
  }

  /**
   * `worker`'s claims in posted batches, oldest batch first: at most `limit`, fewer when the
   * read ended at its build bound (`page` then says where to go on).
   */
  async claimsOf(worker: Address, page: ClaimPage = {}): Promise<WorkerClaim[]> {
    return (await this.#read(worker, page)).claims;
  }

  async #read(worker: Address, page: ClaimPage): Promise<{ claims: WorkerClaim[]; cut: boolean }> {
    const address = getAddress(worker);
    const [result] = await this.#driver.batch(
      [
        sql('settlement_claim_batches', {
          worker: address,
          after: page.after ?? 0,
          limit: page.limit ?? 20,
        }),
      ],
      'read',
    );
    const claims: WorkerClaim[] = [];
    let builds = 0;
    for (const row of result!.rows) {
      const id = Number(row.id);
      let allocation = storedAllocation(row, address);
      if (!allocation) {
        if (!this.#built.has(id) && builds++ === this.#buildsPerPage) return { claims, cut: true };
        allocation = allocationOf(await this.#batch(id, String(row.root) as Hex), address);
      }
      const argument = toAllocationArgument(BigInt(String(row.chain_batch_id)), allocation);
      claims.push({
        id,
        escrow: String(row.escrow) as Hex,
        txHash: String(row.tx_hash) as Hash,
        amount: allocation.amount.toString(),
        taskCount: allocation.taskCount,
        claimableAfter: Number(row.challenge_end),
        allocation: {
          batchId: argument.batchId.toString(),
          index: argument.index.toString(),
          amount: argument.amount.toString(),
          taskCount: argument.taskCount.toString(),
          tasksRoot: argument.tasksRoot,
          proof: argument.proof,
        },
      });
    }
    return { claims, cut: false };
  }

  /**
   * A page of `worker`'s claims as `GET /v1/settlement/claims/:address` answers it: the
   * address checksummed, the claims, and the cursor of the next page (null on the last).
   */
  async page(
    worker: Address,
    page: ClaimPage = {},
  ): Promise<{ address: Address; claims: WorkerClaim[]; next: string | null }> {
    const limit = page.limit ?? 20;
    const { claims, cut } = await this.#read(worker, { ...page, limit });
    const next =
      claims.length > 0 && (cut || claims.length === limit) ? String(claims.at(-1)!.id) : null;
    return { address: getAddress(worker), claims, next };
  }

  async #batch(id: number, root: Hex): Promise<SettlementBatch> {
    const kept = this.#built.get(id);
    if (kept) return kept;
    const built = await rebuildBatch(this.#driver, { id, root });
    if (this.#built.size >= this.#cacheSize) this.#built.delete(this.#built.keys().next().value!);
    this.#built.set(id, built);
    return built;
  }
}

/**
 * A claim read back from JSON as `claim()` of contracts/client takes it (the allocation's
 * task leaves are not needed to claim, only to challenge, and are not served).
 */
export function toClaimItem(worker: Address, claim: WorkerClaim): ClaimItem {
  const a = claim.allocation;
  return {
    batchId: BigInt(a.batchId),
    allocation: {
      worker: getAddress(worker),
      index: Number(a.index),
      amount: BigInt(a.amount),
      taskCount: Number(a.taskCount),
      tasksRoot: a.tasksRoot,
      proof: a.proof,
      tasks: [],
    },
  };
}
