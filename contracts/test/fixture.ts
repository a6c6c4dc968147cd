/**
 * A deployed settlement on a test chain with named roles, and small helpers every suite
 * uses. Roles are dev accounts: 0 admin, 1 settler, 2 submitter, 3 challenger, 4 fee
 * recipient, 5 onwards workers.
 */
import { type Address, type Hex, keccak256, parseEther, toHex } from 'viem';
import { fundJob } from '../client/actions/jobs.ts';
import { getAccounting } from '../client/actions/reads.ts';
import { setSettler } from '../client/actions/roles.ts';
import { postBatch } from '../client/actions/settle.ts';
import type { SettlementWallet } from '../client/actions/types.ts';
import type { SettlementBatch } from '../client/batch.ts';
import { deploySettlement, type SettlementParameters } from '../client/deploy.ts';
import type { TestChain } from './chain.ts';

/** Parameters the suites deploy with. */
export const testParameters = {
  minStake: parseEther('1'),
  challengeBond: parseEther('0.1'),
  challengeWindow: 3_600n,
  unbondingPeriod: 7n * 24n * 3_600n,
  feeBps: 100n,
} as const;

/** A deployment and the wallets playing each role. */
export interface Deployment {
  readonly address: Address;
  readonly admin: SettlementWallet;
  readonly settler: SettlementWallet;
  readonly submitter: SettlementWallet;
  readonly challenger: SettlementWallet;
  readonly feeRecipient: SettlementWallet;
  readonly workers: readonly SettlementWallet[];
}

/** Deploys a settlement (overriding any parameter) and grants the settler role. */
export async function deploy(
  chain: TestChain,
  overrides: Partial<SettlementParameters> = {},
): Promise<Deployment> {
  const [admin, settler, submitter, challenger, feeRecipient, ...workers] = chain.wallets;
  if (!admin || !settler || !submitter || !challenger || !feeRecipient) {
    throw new Error('a test chain needs at least 5 accounts');
  }
  const address = await deploySettlement(admin, chain.reader, {
    ...testParameters,
    feeRecipient: feeRecipient.account.address,
    ...overrides,
  });
  await chain.mined(
    setSettler(admin, { address, settler: settler.account.address, allowed: true }),
  );
  return { address, admin, settler, submitter, challenger, feeRecipient, workers };
}

let jobCounter = 0;

/** A job id unique within the process. */
export function newJobId(label = 'job'): Hex {
  jobCounter += 1;
  return keccak256(toHex(`${label}-${jobCounter}-${process.pid}`));
}

/** A fake CID (raw bytes) unique to `label`. */
export function fakeCid(label: string): Hex {
  // 0x01 0x71 0x12 0x20 is a CIDv1 dag-cbor sha2-256 prefix; the digest is a stand-in.
  return `0x01711220${keccak256(toHex(label)).slice(2)}`;
}

/** Throws unless the contract's balance equals stakes + escrow + owed + fees. */
export async function expectBalanced(chain: TestChain, address: Address): Promise<void> {
  const books = await getAccounting(chain.reader, { address });
  if (books.balance !== books.accounted) {
    throw new Error(`invariant broken: balance ${books.balance} != accounted ${books.accounted}`);
  }
  if (books.accounted !== books.staked + books.escrowed + books.owed + books.fees) {
    throw new Error('accountedBalance does not add up its buckets');
  }
}

/** Funds a new job from `submitter` (the deployment's by default), settled by its settler. */
export async function openJob(
  chain: TestChain,
  d: Deployment,
  amount: bigint,
  {
    seconds = 86_400n,
    submitter = d.submitter,
    jobId = newJobId(),
  }: { seconds?: bigint; submitter?: SettlementWallet; jobId?: Hex } = {},
): Promise<Hex> {
  const deadline = (await chain.now()) + seconds;
  await chain.mined(
    fundJob(submitter, {
      address: d.address,
      jobId,
      settler: d.settler.account.address,
      amount,
      deadline,
    }),
  );
  return jobId;
}

/** Posts `batch` for `jobId` from the deployment's settler; returns the batch id. */
export async function post(
  chain: TestChain,
  d: Deployment,
  jobId: Hex,
  batch: SettlementBatch,
): Promise<bigint> {
  const { events } = await chain.mined(postBatch(d.settler, { address: d.address, jobId, batch }));
  const posted = events.find((e) => e.eventName === 'BatchPosted');
  if (!posted) throw new Error('postBatch emitted no BatchPosted');
  return posted.args.batchId;
}
