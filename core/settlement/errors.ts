/**
 * Errors of the settlement function (its pass, its configuration, workers' proofs). Callers
 * match on `name`; each message says what was wrong and what to do.
 */
import { BaseError, ContractFunctionRevertedError } from 'viem';
import { NoobError } from '../errors.ts';

/** An environment variable the settlement function needs is missing or malformed. */
export class SettlementConfigError extends NoobError {
  override name = 'SettlementConfigError' as const;
}

/**
 * A batch's results no longer give the root that was posted for it: its rows were changed
 * or deleted after posting. Its proofs cannot be served (a claim would fail on chain); the
 * rows must be restored from a backup.
 */
export class ProofMismatchError extends NoobError {
  override name = 'ProofMismatchError' as const;
}

/**
 * Another settler's pass put some of these results in a batch between this pass's read and
 * its write (two settlers on one queue): nothing was written; the next pass starts afresh.
 */
export class BatchRaceError extends NoobError {
  override name = 'BatchRaceError' as const;
}

/** A settlement result row holds a value the pass cannot use (named with its row). */
export class SettlementRowError extends NoobError {
  override name = 'SettlementRowError' as const;
}

/**
 * A 'posting' batch's recorded transaction succeeded without posting that batch (the
 * database names a transaction that is not its postBatch): it is left 'posting' for an
 * operator to look at, since posting it again could pay its results twice.
 */
export class PostMismatchError extends NoobError {
  override name = 'PostMismatchError' as const;
}

/** An error in a line: the contract's refusal by name and arguments when it is one. */
export function describeError(error: unknown): string {
  const reverted =
    error instanceof BaseError
      ? error.walk((inner) => inner instanceof ContractFunctionRevertedError)
      : undefined;
  const data = (reverted as ContractFunctionRevertedError | undefined)?.data;
  if (data?.errorName)
    return `the contract refused: ${data.errorName}(${(data.args ?? []).join(', ')})`;
  const short = (error as { shortMessage?: string }).shortMessage;
  return `${(error as Error).name ?? 'Error'}: ${short ?? String(error)}`;
}
