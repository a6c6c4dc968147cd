/**
 * `npm run bench -- gas`: gas per settled task on a local anvil, batched Merkle settlement
 * against a one-transaction-per-step baseline, measured in the same run from real receipts.
 *
 * For each batch size (1, 10, 100, 1000 tasks spread over 10 workers) it posts one batch,
 * waits out the challenge window and lets every worker claim its allocation; gas per task is
 * (post + all claims) / batch size. The baseline runs each task through `PerTaskSettlement`'s
 * five transactions (submit, claim, start, submit result, verify). Funding a job and a
 * challenge are reported too, but are not per-task costs.
 */
import { type Hex, keccak256, parseEther, toHex } from 'viem';
import { challenge } from '../contracts/client/actions/challenge.ts';
import { fundJob } from '../contracts/client/actions/jobs.ts';
import { setSettler } from '../contracts/client/actions/roles.ts';
import { claim, postBatch } from '../contracts/client/actions/settle.ts';
import type { SettlementWallet } from '../contracts/client/actions/types.ts';
import { register } from '../contracts/client/actions/workers.ts';
import { allocationOf, buildBatch } from '../contracts/client/batch.ts';
import { deploySettlement } from '../contracts/client/deploy.ts';
import { signResult } from '../contracts/client/eip712.ts';
import { toEvidence } from '../contracts/client/evidence.ts';
import {
  perTaskSettlementAbi,
  perTaskSettlementBytecode,
} from '../contracts/generated/PerTaskSettlement.ts';
import { startChain, type TestChain } from '../contracts/test/chain.ts';
import { printResult } from './report.ts';

const BATCH_SIZES = [1, 10, 100, 1000] as const;
const WORKERS = 10;
const BASELINE_TASKS = 20;
/** What an existing contract of this kind spends per task (submit, claim, start, submit result, verify). */
const EXISTING_CONTRACT_GAS = 467_000;
const WINDOW = 3_600n;

function cid(label: string): Hex {
  return `0x01711220${Buffer.from(label.padEnd(32, '.').slice(0, 32)).toString('hex')}`;
}

async function gasOf(chain: TestChain, hash: Promise<Hex>): Promise<bigint> {
  return (await chain.mined(hash)).receipt.gasUsed;
}

async function measureBatches(chain: TestChain) {
  const [admin, settler, submitter, challenger, ...rest] = chain.wallets as SettlementWallet[];
  const workers = rest.slice(0, WORKERS);
  const address = await deploySettlement(admin!, chain.reader, {
    minStake: parseEther('1'),
    challengeBond: parseEther('0.1'),
    challengeWindow: WINDOW,
  });
  await chain.mined(
    setSettler(admin!, { address, settler: settler!.account.address, allowed: true }),
  );
  for (const w of workers) await chain.mined(register(w, { address, stake: parseEther('1') }));

  const rows: Record<
    string,
    { post: number; claims: number; claimCount: number; fund: number; perTask: number }
  > = {};
  let challengeGas = 0n;
  for (const size of BATCH_SIZES) {
    const jobId = `0x${size.toString(16).padStart(64, '0')}` as Hex;
    const results = Array.from({ length: size }, (_, i) => ({
      taskCid: cid(`task-${size}-${i}`),
      worker: workers[i % WORKERS]!.account.address,
      reward: parseEther('0.001'),
    }));
    const batch = buildBatch(results);
    const deadline = (await chain.now()) + 86_400n;
    const fund = await gasOf(
      chain,
      fundJob(submitter!, {
        address,
        jobId,
        settler: settler!.account.address,
        amount: batch.total * 2n,
        deadline,
      }),
    );
    const posted = await chain.mined(postBatch(settler!, { address, jobId, batch }));
    const batchId = posted.events.find((e) => e.eventName === 'BatchPosted')!.args.batchId;

    if (size === 1000) {
      // One challenge against the largest batch: the per-task data is revealed only here.
      const allocation = allocationOf(batch, workers[0]!.account.address);
      const domain = { chainId: chain.reader.chain!.id, verifyingContract: address };
      const taskCid = results[0]!.taskCid;
      const a = await signResult(workers[0]!, domain, taskCid, cid('result-a'));
      const b = await signResult(workers[0]!, domain, taskCid, cid('result-b'));
      challengeGas = await gasOf(
        chain,
        challenge(challenger!, {
          address,
          batchId,
          allocation,
          task: allocation.tasks[0]!,
          evidence: toEvidence(a, b),
          bond: parseEther('0.1'),
        }),
      );
    }

    await chain.travel(WINDOW);
    let claims = 0n;
    for (const allocation of batch.allocations) {
      const owner = workers.find((w) => w.account.address === allocation.worker)!;
      claims += await gasOf(
        chain,
        claim(owner, { address, worker: allocation.worker, items: [{ batchId, allocation }] }),
      );
    }
    const post = posted.receipt.gasUsed;
    rows[size] = {
      post: Number(post),
      claims: Number(claims),
      claimCount: batch.allocations.length,
      fund: Number(fund),
      perTask: Number(post + claims) / size,
    };
  }
  return { rows, challengeGas: Number(challengeGas) };
}

async function measureBaseline(
  chain: TestChain,
): Promise<{ perTask: number; steps: Record<string, number> }> {
  const [admin, , submitter, , ...rest] = chain.wallets as SettlementWallet[];
  const workers = rest.slice(0, WORKERS);
  const deployed = await chain.mined(
    admin!.deployContract({
      abi: perTaskSettlementAbi,
      bytecode: perTaskSettlementBytecode,
      args: [admin!.account.address],
      account: admin!.account,
      chain: admin!.chain,
    }),
  );
  const address = deployed.receipt.contractAddress!;
  const call = (
    wallet: SettlementWallet,
    functionName: string,
    args: readonly unknown[],
    value = 0n,
  ) =>
    gasOf(
      chain,
      wallet.writeContract({
        address,
        abi: perTaskSettlementAbi,
        functionName: functionName as 'claimTask',
        args: args as [bigint],
        value: value as never,
        account: wallet.account,
        chain: wallet.chain,
      }),
    );
  const steps = { submitTask: 0n, claimTask: 0n, startTask: 0n, submitResult: 0n, verify: 0n };
  for (let i = 0; i < BASELINE_TASKS; i++) {
    const worker = workers[i % WORKERS]!;
    const id = BigInt(i + 1);
    steps.submitTask += await call(
      submitter!,
      'submitTask',
      [keccak256(toHex(`baseline-${i}`))],
      parseEther('0.001'),
    );
    steps.claimTask += await call(worker, 'claimTask', [id]);
    steps.startTask += await call(worker, 'startTask', [id]);
    steps.submitResult += await call(worker, 'submitResult', [
      id,
      keccak256(toHex(`baseline-result-${i}`)),
    ]);
    steps.verify += await call(admin!, 'verify', [id]);
  }
  const perStep = Object.fromEntries(
    Object.entries(steps).map(([k, v]) => [k, Number(v) / BASELINE_TASKS]),
  );
  const perTask = Object.values(perStep).reduce((a, b) => a + b, 0);
  return { perTask, steps: perStep };
}

const chain = await startChain(4 + WORKERS);
try {
  const { rows, challengeGas } = await measureBatches(chain);
  const baseline = await measureBaseline(chain);
  for (const size of BATCH_SIZES) {
    const r = rows[size]!;
    process.stdout.write(
      `batch ${String(size).padStart(4)}: post ${r.post} + ${r.claimCount} claims ${r.claims} = ` +
        `${r.perTask.toFixed(1)} gas/task (${(baseline.perTask / r.perTask).toFixed(1)}x cheaper than per-task)\n`,
    );
  }
  process.stdout.write(
    `baseline: ${baseline.perTask.toFixed(0)} gas/task over ${BASELINE_TASKS} tasks ` +
      `(${Object.entries(baseline.steps)
        .map(([k, v]) => `${k} ${v.toFixed(0)}`)
        .join(', ')}); existing contract of this kind ~${EXISTING_CONTRACT_GAS}\n`,
  );
  process.stdout.write(`one challenge (reveal + check) at batch 1000: ${challengeGas} gas\n`);
  const value = Math.round(rows[1000]!.perTask * 10) / 10;
  printResult({
    bench: 'gas',
    metric: 'gas per settled task at batch 1000 (post + claims amortized, 10 workers)',
    value,
    baseline: Math.round(baseline.perTask),
    baselineName:
      'PerTaskSettlement: one transaction per step (submit, claim, start, submit result, verify)',
    ratio: Math.round((baseline.perTask / value) * 10) / 10,
    details: {
      gasPerTaskByBatchSize: Object.fromEntries(
        BATCH_SIZES.map((s) => [s, Math.round(rows[s]!.perTask * 10) / 10]),
      ),
      batches: rows,
      baselineSteps: baseline.steps,
      challengeGasAtBatch1000: challengeGas,
      existingContractGasPerTask: EXISTING_CONTRACT_GAS,
      ratioVsExistingContract: Math.round((EXISTING_CONTRACT_GAS / value) * 10) / 10,
    },
  });
} finally {
  await chain.stop();
}
