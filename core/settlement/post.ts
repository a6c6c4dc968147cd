/**
 * Posting one batch so that a settler dying at any moment never pays the same results twice:
 * the postBatch transaction is signed first, then written (hash and signed bytes) with the
 * 'posting' batch, the rows' batch id and the workers' allocations in ONE database
 * transaction, and only then sent. Whatever happens next, the next pass finds the batch
 * and the very transaction that posts it (recover.ts); claims are served from the stored
 * allocations (claims.ts), never by building the tree again.
 */
import { encodeFunctionData, type Hash, type Hex, keccak256 } from 'viem';
import type { SettlementBatch } from '../../contracts/client/batch.ts';
import { settlementAbi } from '../../contracts/generated/Settlement.ts';
import type { QueueDriver } from '../queue/backend.ts';
import { sql } from '../queue/sql.ts';
import type { SettlementChain } from './chain.ts';
import { BatchRaceError } from './errors.ts';
import type { ResultRow } from './rows.ts';

/** A postBatch transaction signed by the settler, not yet sent. */
export interface SignedPost {
  readonly raw: Hex;
  readonly hash: Hash;
}

/**
 * Signs `postBatch(escrow, root, total, taskCount)` with the settler's key, at its next
 * nonce. The call is simulated first, so a post the contract would refuse throws (with the
 * contract's error by name) before anything is written.
 */
export async function signPost(
  chain: SettlementChain,
  escrow: Hex,
  batch: SettlementBatch,
): Promise<SignedPost> {
  const { wallet } = chain;
  const args = [escrow, batch.root, batch.total, BigInt(batch.taskCount)] as const;
  // Simulated first: a refusal comes back decoded (NotSettler, InsufficientEscrow, …).
  await chain.reader.simulateContract({
    address: chain.address,
    abi: settlementAbi,
    functionName: 'postBatch',
    args,
    account: wallet.account,
  });
  const request = await wallet.prepareTransactionRequest({
    account: wallet.account,
    chain: wallet.chain,
    to: chain.address,
    data: encodeFunctionData({ abi: settlementAbi, functionName: 'postBatch', args }),
  });
  const raw = await wallet.signTransaction(request as Parameters<typeof wallet.signTransaction>[0]);
  return { raw, hash: keccak256(raw) };
}

/**
 * Writes the 'posting' batch with its signed transaction and its workers' allocations, and
 * puts `rows` in it, in one transaction; returns its id. Throws a {@link BatchRaceError}
 * (and writes nothing) when some row was already taken.
 */
export function recordPosting(
  driver: QueueDriver,
  post: {
    escrow: Hex;
    batch: SettlementBatch;
    rows: readonly ResultRow[];
    signed: SignedPost;
    now: number;
  },
): Promise<number> {
  const { escrow, batch, rows, signed, now } = post;
  return driver.transaction(async (tx) => {
    const inserted = await tx.execute(
      sql('settlement_batch_insert', {
        escrow,
        root: batch.root,
        total: batch.total.toString(),
        task_count: batch.taskCount,
        tx_hash: signed.hash,
        tx_raw: signed.raw,
        now,
      }),
    );
    const id = Number(inserted.rows[0]!.id);
    await tx.execute(storeAllocations(id, batch));
    const keys = JSON.stringify(rows.map((row) => row.key));
    const assigned = await tx.execute(sql('settlement_results_assign', { batch_id: id, keys }));
    if (assigned.changes !== rows.length) {
      throw new BatchRaceError(`escrow ${escrow}: another settler batched some of these results`, {
        details: `${rows.length - assigned.changes} of ${rows.length} rows were already in a batch; nothing was written`,
      });
    }
    return id;
  });
}

/**
 * The statement storing `batch`'s allocations as batch `id`'s: each worker's leaf and
 * proof, what its claim needs (the task leaves below it are left out: only a challenger
 * needs them, and they come from the rows).
 */
export function storeAllocations(id: number, batch: SettlementBatch) {
  const allocations = batch.allocations.map((a) => ({
    worker: a.worker,
    index: a.index,
    amount: a.amount.toString(),
    taskCount: a.taskCount,
    tasksRoot: a.tasksRoot,
    proof: a.proof,
  }));
  return sql('settlement_allocations_insert', {
    batch_id: id,
    allocations: JSON.stringify(allocations),
  });
}

/** Sends a signed post (the node may already have it: that is not an error). */
export async function sendPost(chain: SettlementChain, post: SignedPost): Promise<void> {
  try {
    await chain.reader.sendRawTransaction({ serializedTransaction: post.raw });
  } catch (error) {
    if (/already known|known transaction|already imported/i.test(String(error))) return;
    throw error;
  }
}
