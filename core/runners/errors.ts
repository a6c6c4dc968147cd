import { NoobError } from '../errors.ts';

/** A node threw (or rejected) while running: names the node, the epoch and the cause. */
export class NodeRunError extends NoobError {
  override name = 'NodeRunError' as const;
  readonly nodeId: string;
  readonly epoch: string;

  constructor(nodeId: string, epoch: string, cause: unknown) {
    const reason =
      cause instanceof Error
        ? `${cause.name === 'Error' ? '' : `${cause.name}: `}${cause.message}`
        : String(cause);
    super(`node ${nodeId} failed in epoch ${epoch}: ${reason}`, { cause });
    this.nodeId = nodeId;
    this.epoch = epoch;
  }
}

/** Every source of the tube is exhausted: no further epoch can produce anything. */
export class TubeExhaustedError extends NoobError {
  override name = 'TubeExhaustedError' as const;
}

/** The run was cancelled through its AbortSignal. */
export class RunCancelledError extends NoobError {
  override name = 'RunCancelledError' as const;
}

/** A runner was used in the wrong state (e.g. after `deinit`). */
export class RunnerStateError extends NoobError {
  override name = 'RunnerStateError' as const;
}
