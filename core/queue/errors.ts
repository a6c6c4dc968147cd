import { NoobError, type NoobErrorOptions } from '../errors.ts';

/** An idempotency key was reused with a different submission. */
export class IdempotencyConflictError extends NoobError {
  override name = 'IdempotencyConflictError' as const;
  /** The job the key already names. */
  readonly jobId: string;

  constructor(key: string, jobId: string) {
    super(`idempotency key ${JSON.stringify(key)} was already used for a different job`, {
      details: `The key names job ${jobId}. Resubmit the same payload to get that job back, or use a new key for new work.`,
    });
    this.jobId = jobId;
  }
}

/** No job with this id belongs to the tenant. */
export class JobNotFoundError extends NoobError {
  override name = 'JobNotFoundError' as const;
  readonly jobId: string;

  constructor(jobId: string) {
    super(`job ${jobId} not found`, {
      details: 'Check the job id and the tenant (API key) it was submitted with.',
    });
    this.jobId = jobId;
  }
}

/** The job is final (succeeded, failed or cancelled) and cannot change any more. */
export class JobFinishedError extends NoobError {
  override name = 'JobFinishedError' as const;
  readonly jobId: string;
  readonly state: string;

  constructor(jobId: string, state: string) {
    super(`job ${jobId} is already ${state}`, {
      details: 'Only queued or running jobs can be cancelled, sealed or given tasks.',
    });
    this.jobId = jobId;
    this.state = state;
  }
}

/** A worker reported on a task whose lease it no longer holds (expired and reclaimed, or finished). */
export class LeaseLostError extends NoobError {
  override name = 'LeaseLostError' as const;
  readonly taskId: number;

  constructor(workerId: string, taskId: number) {
    super(`worker ${workerId} no longer holds the lease on task ${taskId}`, {
      details:
        'Its lease expired (heartbeat more often than the lease length) or the task was cancelled; the result was not recorded.',
    });
    this.taskId = taskId;
  }
}

/** A submission or claim the queue cannot accept (bad priority, empty CID, …). */
export class InvalidSubmissionError extends NoobError {
  override name = 'InvalidSubmissionError' as const;
}

/** The queue URL names no driver the queue has. */
export class UnsupportedQueueUrlError extends NoobError {
  override name = 'UnsupportedQueueUrlError' as const;

  constructor(url: string) {
    super(`unsupported queue URL ${url}`, {
      details:
        'Use a file path or file: URL (embedded libSQL), or libsql://, http(s):// or ws(s):// (a remote libSQL server such as Turso or sqld).',
    });
  }
}

/**
 * Thrown by task code to ask for a retry (with backoff) while attempts remain. Any plain
 * error is retried too; this one makes the intent explicit.
 */
export class RetryableTaskError extends NoobError {
  override name = 'RetryableTaskError' as const;

  constructor(message: string, options: NoobErrorOptions = {}) {
    super(message, options);
  }
}

/**
 * Thrown by task code when retrying cannot help (bad input, a bug): the task goes straight
 * to the dead-letter state with this error.
 */
export class UnrecoverableTaskError extends NoobError {
  override name = 'UnrecoverableTaskError' as const;

  constructor(message: string, options: NoobErrorOptions = {}) {
    super(message, options);
  }
}
