/**
 * What the settlement tests run on: a real anvil with the settlement contract deployed, its
 * settler (dev account 1) as the pass's chain, staked workers, and a fresh libSQL file per
 * test holding settlement_results rows.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Address, createTestClient, type Hex, http, parseEther, toHex } from 'viem';
import { mnemonicToAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';
import { getBatchCount } from '../../contracts/client/actions/reads.ts';
import type { SettlementWallet } from '../../contracts/client/actions/types.ts';
import { register } from '../../contracts/client/actions/workers.ts';
import { buildBatch } from '../../contracts/client/batch.ts';
import { signResult } from '../../contracts/client/eip712.ts';
import { startChain, type TestChain } from '../../contracts/test/chain.ts';
import { type Deployment, deploy, openJob } from '../../contracts/test/fixture.ts';
import { cidOf } from '../../core/cid.ts';
import type { QueueDriver } from '../../core/queue/backend.ts';
import { openDriver } from '../../core/queue/open.ts';
import type { SettlementChain } from '../../core/settlement/chain.ts';
import { recordPosting, signPost } from '../../core/settlement/post.ts';
import { inTreeOrder, toSettled, unbatchedRows } from '../../core/settlement/rows.ts';

/** A chain with a deployment, its settler's view, and staked workers. */
export interface SettlementWorld {
  readonly chain: TestChain;
  readonly d: Deployment;
  /** The pass's chain: the deployment's settler. */
  readonly settler: SettlementChain;
  /** Three staked workers (dev accounts 5, 6, 7). */
  readonly workers: readonly SettlementWallet[];
  /**
   * An escrow funded with `amount` naming the settler (`seconds` to its deadline), under
   * `jobId` (default a fresh one; the job API's is `escrowIdFor(tenant, name)`).
   */
  fund(amount: bigint, seconds?: bigint, jobId?: Hex): Promise<Hex>;
  /** Batches posted on chain so far. */
  batchCount(): Promise<bigint>;
  stop(): Promise<void>;
}

/** Starts anvil, deploys, stakes the first three workers. */
export async function startWorld(): Promise<SettlementWorld> {
  const chain = await startChain(10);
  const d = await deploy(chain);
  const workers = d.workers.slice(0, 3);
  for (const worker of workers)
    await chain.mined(register(worker, { address: d.address, stake: parseEther('1') }));
  return {
    chain,
    d,
    settler: { reader: chain.reader, wallet: d.settler, address: d.address },
    workers,
    fund: (amount, seconds = 86_400n, jobId?: Hex) =>
      openJob(chain, d, amount, { seconds, ...(jobId ? { jobId } : {}) }),
    batchCount: () => getBatchCount(chain.reader, { address: d.address }),
    stop: () => chain.stop(),
  };
}

/** A fresh queue database (a libSQL file in a new folder), migrated. */
export function openLedger(): Promise<QueueDriver> {
  return openDriver(join(mkdtempSync(join(tmpdir(), 'noob-settlement-')), 'noob.db'));
}

/** One result to record. */
export interface TestResult {
  readonly task: string;
  readonly worker: SettlementWallet;
  readonly reward: bigint;
  readonly jobId?: string;
}

/**
 * Records verified results for `escrow` as the coordinator does (task CIDs as CID text, the
 * worker's real EIP-712 signature), with this test's own SQL: the rows' writer is
 * core/settlement/record.ts's job, not the pass's.
 */
export async function recordResults(
  world: SettlementWorld,
  driver: QueueDriver,
  escrow: Hex,
  results: readonly TestResult[],
): Promise<void> {
  const domain = { chainId: world.chain.reader.chain!.id, verifyingContract: world.d.address };
  let at = Date.now();
  for (const result of results) {
    const taskCid = cidOf({ task: result.task });
    const resultCid = cidOf({ result: result.task });
    const { signature } = await signResult(result.worker, domain, taskCid, resultCid);
    await driver.execute({
      sql: `INSERT INTO settlement_results (job_id, task_cid, worker, escrow, reward, result_cid, signature, recorded_at)
            VALUES (:job_id, :task_cid, :worker, :escrow, :reward, :result_cid, :signature, :at)`,
      params: {
        job_id: result.jobId ?? 'job-1',
        task_cid: taskCid.toString(),
        worker: result.worker.account.address,
        escrow,
        reward: result.reward.toString(),
        result_cid: resultCid.toString(),
        signature,
        at: at++,
      },
    });
  }
}

/** `count` results of `reward` each, spread over `workers` in turn. */
export function resultsFor(
  label: string,
  workers: readonly SettlementWallet[],
  count: number,
  reward: bigint,
): TestResult[] {
  return Array.from({ length: count }, (_, i) => ({
    task: `${label}-${i}`,
    worker: workers[i % workers.length]!,
    reward,
  }));
}

/** A worker's balance. */
export function balanceOf(world: SettlementWorld, worker: Address): Promise<bigint> {
  return world.chain.reader.getBalance({ address: worker });
}

/** A dev account's private key (anvil's mnemonic, as contracts/test/chain.ts derives them). */
export function devKey(index: number): Hex {
  const account = mnemonicToAccount('test test test test test test test test test test test junk', {
    addressIndex: index,
  });
  return toHex(account.getHdKey().privateKey!);
}

/**
 * What a pass does up to sending, for a fresh escrow of 4 results (0.1 ether each): sign,
 * record 'posting' with the rows and the signed transaction; nothing is sent.
 */
export async function postingWritten(world: SettlementWorld, driver: QueueDriver, label: string) {
  const escrow = await world.fund(parseEther('5'));
  await recordResults(
    world,
    driver,
    escrow,
    resultsFor(label, world.workers, 4, parseEther('0.1')),
  );
  const rows = inTreeOrder(await unbatchedRows(driver, escrow, 100));
  const batch = buildBatch(toSettled(rows));
  const signed = await signPost(world.settler, escrow, batch);
  const id = await recordPosting(driver, { escrow, batch, rows, signed, now: Date.now() });
  return { escrow, batch, signed, id };
}

/** anvil's own methods (mining on or off, fees, dropping a pending transaction). */
export function anvilControl(world: SettlementWorld) {
  return createTestClient({
    chain: foundry,
    mode: 'anvil',
    transport: http(world.chain.anvil.rpcUrl),
  });
}

/**
 * The settler's key sends something else (1 wei to itself) and it is mined: it takes the
 * key's next nonce, as a lost post's nonce is taken. Returns its hash.
 */
export async function takeSettlerNonce(world: SettlementWorld): Promise<Hex> {
  const wallet = world.settler.wallet;
  const hash = await wallet.sendTransaction({
    account: wallet.account,
    chain: wallet.chain,
    to: wallet.account.address,
    value: 1n,
  });
  await world.chain.reader.waitForTransactionReceipt({ hash });
  return hash;
}
