/**
 * What the pass checks on chain before batching an escrow's results: the job is there, this
 * account settles it, its deadline is ahead; and which workers may be paid (staked at the
 * minimum and not unbonding: the contract cannot see who is in a tree, so the settler must
 * not include a worker that could leave before the batch's challenge window ends).
 */
import type { Address, Hex } from 'viem';
import { zeroAddress } from 'viem';
import { getJob, getParameters, getWorker } from '../../contracts/client/actions/reads.ts';
import type { SettlementChain } from './chain.ts';

/** An escrow this settler may draw on, or why not. */
export type EscrowCheck = { ok: true; escrow: bigint } | { ok: false; reason: string };

/** Checks the on-chain job `jobId` (an escrow) against this settler and the chain's time. */
export async function checkEscrow(chain: SettlementChain, jobId: Hex): Promise<EscrowCheck> {
  const { address, reader, wallet } = chain;
  const [job, block] = await Promise.all([
    getJob(reader, { address, jobId }),
    reader.getBlock({ blockTag: 'latest' }),
  ]);
  const me = wallet.account.address;
  if (job.submitter === zeroAddress)
    return {
      ok: false,
      reason: `no job ${jobId} on chain: its submitter has to fund it (fundJob) naming settler ${me}`,
    };
  if (job.settler.toLowerCase() !== me.toLowerCase())
    return {
      ok: false,
      reason: `job ${jobId} is settled by ${job.settler}, not by this settler (${me})`,
    };
  if (BigInt(job.deadline) <= block.timestamp)
    return {
      ok: false,
      reason: `job ${jobId}'s deadline passed (${new Date(Number(job.deadline) * 1000).toISOString()}): no batch can be posted; its submitter can fund it again to extend it`,
    };
  if (job.escrow === 0n)
    return { ok: false, reason: `job ${jobId}'s escrow is empty: its submitter has to fund it` };
  return { ok: true, escrow: job.escrow };
}

/**
 * The workers among `workers` that may not be paid now, each with the reason (their rows
 * wait for a later pass). One read per worker, all at once.
 */
export async function unpayableWorkers(
  chain: SettlementChain,
  workers: readonly Address[],
): Promise<Map<Address, string>> {
  const { address, reader } = chain;
  const { minStake } = await getParameters(reader, { address });
  const infos = await Promise.all(workers.map((worker) => getWorker(reader, { address, worker })));
  const reasons = new Map<Address, string>();
  workers.forEach((worker, i) => {
    const info = infos[i]!;
    if (info.stake === 0n)
      reasons.set(worker, `worker ${worker} is not staked: it has to register() first`);
    else if (info.unbondingAt !== 0)
      reasons.set(worker, `worker ${worker} is unbonding: it asked to unstake`);
    else if (info.stake < minStake)
      reasons.set(
        worker,
        `worker ${worker}'s stake ${info.stake} is below the minimum ${minStake}`,
      );
  });
  return reasons;
}
