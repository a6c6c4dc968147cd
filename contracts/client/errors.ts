/**
 * Errors of the settlement client. Callers match on `name`; every message says what was
 * wrong and what to do about it.
 */

/** Base of every settlement client error. */
export class SettlementError extends Error {
  override name = 'SettlementError' as string;
  /** One line for logs, without the details. */
  readonly shortMessage: string;
  /** Extra context (values, the underlying error's message). */
  readonly details: string | undefined;

  constructor(shortMessage: string, options: { details?: string; cause?: unknown } = {}) {
    super(options.details ? `${shortMessage}\n\nDetails: ${options.details}` : shortMessage, {
      cause: options.cause,
    });
    this.shortMessage = shortMessage;
    this.details = options.details;
  }
}

/** solc reported errors; fix the Solidity source. */
export class CompileError extends SettlementError {
  override name = 'CompileError' as const;
  constructor(messages: string[]) {
    super('The Solidity sources did not compile; fix the errors below and rerun.', {
      details: messages.join('\n'),
    });
  }
}

/** Chain, RPC URL, key or contract address missing or malformed in the configuration. */
export class ConfigError extends SettlementError {
  override name = 'ConfigError' as const;
}

/** A batch could not be built from the given results (empty, zero reward, bad worker…). */
export class BatchError extends SettlementError {
  override name = 'BatchError' as const;
}

/** A Merkle proof was asked for a leaf the tree does not hold. */
export class MerkleError extends SettlementError {
  override name = 'MerkleError' as const;
}

/** Evidence for a challenge is not valid (not two different results signed by one worker). */
export class EvidenceError extends SettlementError {
  override name = 'EvidenceError' as const;
}
