import { NoobError } from '../core/errors.ts';

/** A peer could not start or was misconfigured (key file, listen address, bootstrap list). */
export class PeerError extends NoobError {
  override name = 'PeerError' as const;
}

/** A block fetched by CID did not hash to that CID, or no peer had it. */
export class BlockError extends NoobError {
  override name = 'BlockError' as const;
}

/** No peer able to run a node answered before every deadline passed. */
export class NoExecutorError extends NoobError {
  override name = 'NoExecutorError' as const;
}

/** A node gave different results for the same call twice: it cannot be verified by quorum. */
export class NonDeterministicNodeError extends NoobError {
  override name = 'NonDeterministicNodeError' as const;
}

/** Executors disagreed and no result reached the quorum. */
export class QuorumError extends NoobError {
  override name = 'QuorumError' as const;
}
