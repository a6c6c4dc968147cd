import { NoobError } from '../errors.ts';
import type { QueueContext } from './context.ts';
import { InvalidSubmissionError, JobNotFoundError } from './errors.ts';
import { overLimit } from './limits.ts';
import { sql } from './sql.ts';
import type { JobError, JobOutcome } from './types.ts';

/**
 * What a coordinator records: results, or an error: a {@link JobError}, or any thrown
 * value (stored by name, message and details, never its stack).
 */
export type JobOutcomeInput = ({ results: unknown[] } | { error: unknown }) & {
  verdict?: object;
};

/**
 * Record what a job came to, once, and seal it. With results the job finishes when its
 * tasks have (at once if they already have), so recording the results is the
 * coordinator's last step; a reader never sees a succeeded tube run without them. With an
 * error the job fails now: its queued tasks are cancelled and its running ones stop at
 * their next heartbeat. Returns false, recording nothing, when the job was cancelled or
 * already has an outcome; throws {@link JobNotFoundError} for another tenant's job.
 */
export async function setJobOutcome(
  ctx: QueueContext,
  tenant: string,
  jobId: string,
  input: JobOutcomeInput,
): Promise<boolean> {
  const { text, failed } = outcomeText(toOutcome(input), ctx.maxOutcomeBytes);
  const values = {
    tenant,
    job_id: jobId,
    outcome: text,
    failed: failed ? 1 : 0,
    now: ctx.clock.now(),
  };
  const [recorded, , , exists] = await ctx.driver.batch([
    sql('job_set_outcome', values),
    sql('tasks_cancel_queued_failed', values),
    sql('tasks_cancel_running_failed', values),
    sql('job_exists', values),
  ]);
  if (exists!.rows.length === 0) throw new JobNotFoundError(jobId);
  return recorded!.rows.length > 0;
}

/**
 * The outcome as stored: results over `limit` bytes (or too large for one string) fail the
 * job with a TaskTooLargeError-like `ResultTooLargeError` instead of being written.
 */
function outcomeText(outcome: JobOutcome, limit: number): { text: string; failed: boolean } {
  if ('error' in outcome) return { text: JSON.stringify(outcome), failed: true };
  let size: string | undefined;
  try {
    const text = JSON.stringify(outcome);
    if (!overLimit(text, limit)) return { text, failed: false };
    size = `${Buffer.byteLength(text)} bytes`;
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    size = 'too large to serialize';
  }
  const error: JobError = {
    code: 'ResultTooLargeError',
    message: `the job's results are ${size}, over the limit of ${limit} bytes`,
    details:
      'Return references (paths, URLs, keys) instead of the data, return fewer epochs, or raise the limit (NOOB_MAX_OUTCOME_BYTES, or the queue option maxOutcomeBytes).',
  };
  return { text: JSON.stringify({ error }), failed: true };
}

function toOutcome(input: JobOutcomeInput): JobOutcome {
  const verdict =
    input?.verdict && typeof input.verdict === 'object'
      ? { verdict: input.verdict as Record<string, unknown> }
      : {};
  if (input && 'results' in input && Array.isArray(input.results)) {
    return { results: input.results, ...verdict };
  }
  if (input && 'error' in input) return { error: describeJobError(input.error), ...verdict };
  throw new InvalidSubmissionError('a job outcome is {results: [...]} or {error}', {
    details: `Got ${JSON.stringify(input)?.slice(0, 200)}.`,
  });
}

/** A thrown value as a {@link JobError}: a tube's `problems` become its details. */
export function describeJobError(error: unknown): JobError {
  const details = (value: unknown) => (value === undefined ? {} : { details: value });
  if (error instanceof Error) {
    const problems = (error as { problems?: unknown }).problems;
    const message = error instanceof NoobError ? error.shortMessage : error.message;
    const extra = problems ?? (error instanceof NoobError ? error.details : undefined);
    return { code: error.name, message, ...details(extra) };
  }
  if (error && typeof error === 'object' && 'message' in error) {
    const e = error as { code?: unknown; name?: unknown; message: unknown; details?: unknown };
    return {
      code: String(e.code ?? e.name ?? 'Error'),
      message: String(e.message),
      ...details(e.details),
    };
  }
  return { code: 'Error', message: String(error) };
}
