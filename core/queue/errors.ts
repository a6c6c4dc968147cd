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

  constructor(
    jobId: string,
    state: string,
    details = 'Only queued or running jobs can be cancelled, sealed or given tasks.',
  ) {
    super(`job ${jobId} has already ${state === 'cancelled' ? 'been cancelled' : state}`, {
      details,
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

/**
 * Thrown by node code when retrying cannot help (bad input, a bug, a refused request):
 * the task goes straight to the dead-letter list with this error, whatever attempts
 * remain. The public name of {@link UnrecoverableTaskError}'s intent, matched by name so
 * it works across processes.
 *
 * @example
 * ```ts
 * import { defineNode, UnrecoverableError } from 'noob';
 * export const parse = defineNode({
 *   slots: { text: {} },
 *   process: ({ text }) => {
 *     if (typeof text !== 'string') throw new UnrecoverableError('text must be a string');
 *     return JSON.parse(text);
 *   },
 * });
 * ```
 */
export class UnrecoverableError extends NoobError {
  override name = 'UnrecoverableError' as const;

  constructor(message: string, options: NoobErrorOptions = {}) {
    super(message, options);
  }
}

/** Error names that dead-letter a task at once instead of retrying it. */
export const UNRECOVERABLE_ERRORS: ReadonlySet<string> = new Set([
  'UnrecoverableError',
  'UnrecoverableTaskError',
]);

/**
 * A task's input, or a node's result, is larger than the configured limit: the task
 * fails (dead-lettered, retrying would give the same size) and the worker goes on.
 */
export class TaskTooLargeError extends NoobError {
  override name = 'TaskTooLargeError' as const;
  /** The node whose input or result it was. */
  readonly nodeId: string | null;
  /** The limit in bytes. */
  readonly limit: number;

  constructor(what: 'input' | 'result', nodeId: string | null, size: string, limit: number) {
    const node = nodeId ? `node ${nodeId}` : 'a task';
    super(`the ${what} of ${node} is ${size}, over the limit of ${limit} bytes`, {
      details:
        what === 'input'
          ? 'Pass a reference (a path, a URL, a key) instead of the data, or raise the limit (NOOB_MAX_INPUT_BYTES, or the queue option maxInputBytes).'
          : 'Return a reference (a path, a URL, a key) instead of the data, or raise the limit (NOOB_MAX_RESULT_BYTES for the workers, or the worker option maxResultBytes).',
    });
    this.nodeId = nodeId;
    this.limit = limit;
  }
}

/** A job would hold more tasks (node calls) than the per-job limit. */
export class TooManyTasksError extends NoobError {
  override name = 'TooManyTasksError' as const;
  readonly limit: number;

  constructor(jobId: string, limit: number) {
    super(`job ${jobId} would hold more than ${limit} tasks`, {
      details:
        'Epochs × node calls per epoch (map items included) is over the per-job limit: run fewer epochs, split the job, or raise the limit (NOOB_MAX_TASKS_PER_JOB, or the queue option maxTasksPerJob).',
    });
    this.limit = limit;
  }
}

/**
 * A node call ran past the worker's task timeout: its signal was aborted, its slot freed
 * and the task failed (retried with backoff while attempts remain).
 */
export class TaskTimeoutError extends NoobError {
  override name = 'TaskTimeoutError' as const;
  readonly nodeId: string | null;
  /** The timeout in ms. */
  readonly limit: number;

  constructor(nodeId: string | null, limit: number) {
    super(
      `${nodeId ? `node ${nodeId}` : 'a task'} ran longer than the task timeout of ${limit} ms`,
      {
        details:
          'The call was abandoned and its AbortSignal fired. Make the node finish sooner (or honour its signal), or raise the timeout (worker option taskTimeoutMs, NOOB_TASK_TIMEOUT_MS).',
      },
    );
    this.nodeId = nodeId;
    this.limit = limit;
  }
}

/**
 * The submission writer's thread ended (or could not open the database) while a
 * submission waited for its commit: whether that job was stored is unknown.
 */
export class SubmissionWriterError extends NoobError {
  override name = 'SubmissionWriterError' as const;
  readonly jobId: string;

  constructor(jobId: string, why: string) {
    super(`the submission writer thread ${why} before job ${jobId} was acknowledged`, {
      details:
        'Whether the job was stored is unknown: look it up (GET /v1/jobs/ID) or submit it again with the same idempotency key. The next submission starts a new writer thread.',
    });
    this.jobId = jobId;
  }
}

/**
 * The remote queue's libSQL server refused a statement, could not be reached, or did not
 * answer as the Hrana protocol says (see drivers/hrana-http.ts).
 */
export class RemoteSqlError extends NoobError {
  override name = 'RemoteSqlError' as const;
  /** The server's error code (`SQLITE_CONSTRAINT_UNIQUE`, …), or the HTTP status's. */
  readonly code: string;

  constructor(message: string, code: string, details?: string, cause?: unknown) {
    super(message, { ...(details ? { details } : {}), ...(cause ? { cause } : {}) });
    this.code = code;
  }
}
