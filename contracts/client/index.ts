/**
 * noob's settlement client: deploy, stake, fund, post, claim, challenge, read, on any of the
 * supported chains. The one entry point of `contracts/client`; its export list is pinned by
 * a test.
 *
 * @example
 * ```ts
 * import { buildBatch, createSettlementClients, loadSettlementConfig, postBatch } from './contracts/client/index.ts';
 *
 * const config = loadSettlementConfig(); // NOOB_CHAIN, NOOB_RPC_URL, NOOB_PRIVATE_KEY, NOOB_SETTLEMENT_ADDRESS
 * const { wallet } = createSettlementClients(config);
 * const batch = buildBatch(results); // [{ taskCid, worker, reward }, …]
 * await postBatch(wallet!, { address: config.address!, jobId, batch });
 * ```
 */

export { settlementAbi, settlementBytecode } from '../generated/Settlement.ts';
export { challenge } from './actions/challenge.ts';
export { fundJob, reclaim } from './actions/jobs.ts';
export { withdrawCredits, withdrawFees } from './actions/payouts.ts';
export {
  getAccounting,
  getBatch,
  getBatchCount,
  getCredits,
  getDomainSeparator,
  getJob,
  getParameters,
  getReputation,
  getRoles,
  getVoided,
  getWorker,
  isActive,
  isClaimed,
  isVoided,
} from './actions/reads.ts';
export { acceptAdmin, setSettler, transferAdmin } from './actions/roles.ts';
export { claim, postBatch, toAllocationArgument } from './actions/settle.ts';
export type { SettlementReader, SettlementTarget, SettlementWallet } from './actions/types.ts';
export { addStake, register, requestUnstake, withdrawStake } from './actions/workers.ts';
export type { BatchAllocation, BatchTask, SettledResult, SettlementBatch } from './batch.ts';
export { allocationOf, buildBatch, taskOf } from './batch.ts';
export type { SettlementChainName, SettlementConfig } from './chains.ts';
export { createSettlementClients, loadSettlementConfig, settlementChains } from './chains.ts';
export type { SettlementParameters } from './deploy.ts';
export {
  DEFAULT_CHALLENGE_WINDOW,
  DEFAULT_FEE_BPS,
  DEFAULT_UNBONDING_PERIOD,
  deploySettlement,
} from './deploy.ts';
export type { SettlementDomain, SignedResult } from './eip712.ts';
export { resultDigest, resultTypes, signResult, verifyResult } from './eip712.ts';
export {
  BatchError,
  CompileError,
  ConfigError,
  EvidenceError,
  MerkleError,
  SettlementError,
} from './errors.ts';
export { escrowIdFor } from './escrow-id.ts';
export type { SettlementEvent } from './events.ts';
export { decodeSettlementEvents, waitForSettlement } from './events.ts';
export type { EvidenceArgument } from './evidence.ts';
export { buildEvidence, isCanonicalSignature, toEvidence } from './evidence.ts';
export type { CidLike } from './leaves.ts';
export { allocationLeaf, cidBytes, cidHash, taskLeaf } from './leaves.ts';
export type { MerkleTree } from './merkle.ts';
export { buildTree, getProof, hashPair, verifyProof } from './merkle.ts';
