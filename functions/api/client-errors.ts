import { NoobError } from '../../core/errors.ts';

/**
 * The job API answered with an error: match on `code` (stable), show `message`. Not a
 * NoobError: its `details` is the API's structured value (the bad fields, a tube's
 * problems, …), not text.
 */
export class ApiError extends Error {
  override name = 'ApiError' as const;
  /** The HTTP status (400, 401, 404, 409, 413, 500, …). */
  readonly status: number;
  /** The API's error code (`invalid_request`, `invalid_tube`, `job_not_found`, …). */
  readonly code: string;
  /** The bad fields, a tube's problems (`{path, line, nodeId, message}`), an idempotency key's job, … */
  readonly details: unknown;

  constructor(status: number, code: string, message: string, details?: unknown) {
    super(`${message} (HTTP ${status} ${code})`);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

/** `waitForJob` gave up before the job was final. */
export class JobWaitTimeoutError extends NoobError {
  override name = 'JobWaitTimeoutError' as const;
  readonly jobId: string;

  constructor(jobId: string, timeoutMs: number, state: string) {
    super(`job ${jobId} is still ${state} after ${timeoutMs} ms`, {
      details: 'Wait longer (timeoutMs), or follow it with events().',
    });
    this.jobId = jobId;
  }
}
