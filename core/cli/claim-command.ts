import type { Address } from 'viem';
import { getAddress } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { isClaimed } from '../../contracts/client/actions/reads.ts';
import { claim } from '../../contracts/client/actions/settle.ts';
import { createSettlementClients, loadSettlementConfig } from '../../contracts/client/chains.ts';
import { waitForSettlement } from '../../contracts/client/events.ts';
import { toClaimItem, type WorkerClaim } from '../settlement/claims.ts';
import { connect } from './api-connection.ts';
import { ApiCommandError, explainApiError } from './api-errors.ts';
import { parseClientArguments } from './client-arguments.ts';
import type { CommandIO } from './commands.ts';
import { toJson } from './output.ts';
import { UsageError } from './usage.ts';

/** The usage of `noob claim`. */
const USAGE = 'noob claim [ADDRESS] [--url URL] [--key KEY] [--json]';

/** Most allocations one claim transaction carries (its gas grows with each). */
const MAX_PER_TRANSACTION = 50;

/**
 * `noob claim`: pays a worker what the settlement function posted for it. Its claims come
 * from the job API (`GET /v1/settlement/claims/ADDRESS`, every page); those whose challenge
 * window is over and that the contract has not paid yet are claimed in one transaction (or
 * a few, 50 allocations each). The worker is ADDRESS, else the address of
 * `NOOB_PAYOUT_KEY`; the transaction is sent (and its gas paid) by `NOOB_PRIVATE_KEY`, else
 * `NOOB_PAYOUT_KEY`. The money goes to the worker whoever sends it. The chain is
 * `NOOB_CHAIN`, `NOOB_RPC_URL` and `NOOB_SETTLEMENT_ADDRESS`.
 */
export async function claimCommand(args: readonly string[], io: CommandIO): Promise<number> {
  // ADDRESS is optional: parse with it if one is given, else without.
  const hasAddress = args.some(
    (arg, i) => !arg.startsWith('-') && !['--url', '--key'].includes(args[i - 1] ?? ''),
  );
  const parsed = parseClientArguments(args, {}, hasAddress ? ['ADDRESS'] : [], USAGE);
  const { values } = parsed;
  const env = process.env;
  const payoutKey = env.NOOB_PAYOUT_KEY || undefined;
  // Checked here, by its own name: loadSettlementConfig would blame NOOB_PRIVATE_KEY.
  const payout = payoutKey === undefined ? undefined : payoutAddress(payoutKey);
  const config = loadSettlementConfig(
    { ...env, NOOB_PRIVATE_KEY: env.NOOB_PRIVATE_KEY || payoutKey },
    { requireAddress: true },
  );
  const given = parsed.positionals[0];
  let worker: Address;
  if (given) {
    if (!/^0x[0-9a-fA-F]{40}$/.test(given))
      throw new UsageError(`ADDRESS must be a 0x address of 40 hex digits, got "${given}"`);
    worker = getAddress(given);
  } else if (payout) {
    worker = payout;
  } else {
    throw new UsageError(
      'give the worker ADDRESS, or set NOOB_PAYOUT_KEY to its key (0x + 64 hex)',
    );
  }
  const { reader, wallet } = createSettlementClients(config);
  if (!wallet)
    throw new UsageError(
      'set NOOB_PRIVATE_KEY (or NOOB_PAYOUT_KEY): the claim is a transaction someone pays gas for',
    );

  const { client, url } = connect(values);
  const claims: WorkerClaim[] = [];
  try {
    for (let after: string | undefined; ; ) {
      const page = await client.settlementClaims(worker, after === undefined ? {} : { after });
      claims.push(...(page.claims as WorkerClaim[]));
      if (page.next === null) break;
      // Cursors are claim ids and only grow: one that does not is a server to stop following.
      if (!/^[0-9]{1,15}$/.test(page.next) || Number(page.next) <= Number(after ?? -1))
        throw new ApiCommandError(
          `the server at ${url} answered a next cursor (${JSON.stringify(page.next.slice(0, 20))}) that does not move past the last (${after ?? 'none'})`,
          'bad_cursor',
        );
      after = page.next;
    }
  } catch (error) {
    throw explainApiError(error, url);
  }
  const now = (await reader.getBlock({ blockTag: 'latest' })).timestamp;
  const open = claims.filter((c) => BigInt(c.claimableAfter) < now);
  const unpaid: WorkerClaim[] = [];
  for (const c of open) {
    const paid = await isClaimed(reader, {
      address: config.address,
      batchId: BigInt(c.allocation.batchId),
      index: Number(c.allocation.index),
    });
    if (!paid) unpaid.push(c);
  }
  const transactions: { txHash: string; claimed: number; net: string }[] = [];
  for (let start = 0; start < unpaid.length; start += MAX_PER_TRANSACTION) {
    const items = unpaid
      .slice(start, start + MAX_PER_TRANSACTION)
      .map((c) => toClaimItem(worker, c));
    const hash = await claim(wallet, { address: config.address, worker, items });
    const { receipt, events } = await waitForSettlement(reader, hash);
    if (receipt.status !== 'success') throw new Error(`the claim transaction ${hash} reverted`);
    const net = events.reduce(
      (sum, e) => (e.eventName === 'Claimed' ? sum + e.args.amount - e.args.fee : sum),
      0n,
    );
    transactions.push({ txHash: hash, claimed: items.length, net: net.toString() });
  }
  const waiting = claims.length - open.length;
  if (values.json) {
    io.stdout.write(
      `${toJson({ worker, transactions, alreadyPaid: open.length - unpaid.length, inWindow: waiting })}\n`,
    );
    return 0;
  }
  for (const t of transactions)
    io.stdout.write(
      `claimed ${t.claimed} allocation${t.claimed === 1 ? '' : 's'} for ${worker}: ${t.net} wei paid (transaction ${t.txHash})\n`,
    );
  if (transactions.length === 0) io.stdout.write(`nothing to claim for ${worker} now\n`);
  if (waiting > 0) {
    const next = Math.min(
      ...claims.filter((c) => BigInt(c.claimableAfter) >= now).map((c) => c.claimableAfter),
    );
    io.stdout.write(
      `${waiting} more in their challenge window; the first can be claimed after ${new Date(next * 1000).toISOString()}\n`,
    );
  }
  return 0;
}

/**
 * The address of the payout key `key`; a {@link UsageError} naming NOOB_PAYOUT_KEY, without
 * repeating it (a secret; the curve library's message spells it out as a number), if it is
 * not a private key.
 */
function payoutAddress(key: string): Address {
  const problem =
    'NOOB_PAYOUT_KEY is not a private key: it must be 0x + 64 hex digits, below the curve order';
  if (!/^0x[0-9a-fA-F]{64}$/.test(key)) throw new UsageError(problem);
  try {
    return privateKeyToAccount(key as `0x${string}`).address;
  } catch {
    throw new UsageError(problem);
  }
}
