import { NoobError } from '../../errors.ts';

/** The node itself failed on the worker (HTTP 422 node_failed): not the worker's fault. */
export class RemoteNodeError extends NoobError {
  override name = 'RemoteNodeError' as const;
  /** The error's name on the worker. */
  readonly remoteName: string;

  constructor(message: string, remoteName: string) {
    super(message);
    this.remoteName = remoteName;
  }
}

/** The worker refused the task as malformed or unknown (400/404/413/422): retrying won't help. */
export class TaskRejectedError extends NoobError {
  override name = 'TaskRejectedError' as const;
  readonly status: number;
  readonly code: string;

  constructor(message: string, status: number, code: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** Every worker is down (breaker open) or was tried for this call and failed. */
export class NoWorkerAvailableError extends NoobError {
  override name = 'NoWorkerAvailableError' as const;
}
