import type { Context } from 'hono';
import type { z } from 'zod';
import { errorResponse } from '../http/errors.ts';

/**
 * How the job API answers when something is wrong: the queue's and the tube loader's
 * typed errors (matched on `name`) mapped to statuses and stable codes. Anything else is
 * the server's fault: a 500 that says so without leaking internals.
 */

/** One bad field of a request. */
export interface FieldProblem {
  field: string;
  message: string;
}

/** zod issues as fields and messages (`tags.0`, `epochs`, an unknown key by its name). */
export function fieldProblems(error: z.ZodError): FieldProblem[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys.map((key) => (path ? `${path}.${key}` : key)).join(', ');
      return { field: keys, message: `unknown field (${issue.message})` };
    }
    return { field: path || '(body)', message: issue.message };
  });
}

/** A 400 naming every bad field. */
export function invalidRequest(c: Context, what: string, problems: FieldProblem[]): Response {
  const summary = problems.map((p) => `${p.field}: ${p.message}`).join('; ');
  return errorResponse(c, 400, 'invalid_request', `invalid ${what}: ${summary}`, problems);
}

/** The answer for an error thrown by the queue or the tube loader. */
export function errorFor(
  c: Context,
  error: unknown,
  log: (message: string, error: unknown) => void,
): Response {
  const named = error as { name?: string; message?: string; shortMessage?: string };
  const message = named.shortMessage ?? named.message ?? String(error);
  switch (named.name) {
    case 'JobNotFoundError':
      return errorResponse(c, 404, 'job_not_found', message);
    case 'JobFinishedError':
      return errorResponse(c, 409, 'job_finished', message, {
        state: (error as { state: string }).state,
      });
    case 'IdempotencyConflictError':
      return errorResponse(
        c,
        409,
        'idempotency_conflict',
        `${message}: resubmit the same request to get job ${(error as { jobId: string }).jobId} back, or use a new key`,
        { jobId: (error as { jobId: string }).jobId },
      );
    case 'InvalidSubmissionError':
    case 'InputError':
      return errorResponse(c, 400, 'invalid_request', named.message ?? message);
    default:
      log(`noob api: ${c.req.method} ${c.req.path} failed`, error);
      return errorResponse(
        c,
        500,
        'internal',
        'the server failed to handle the request; it is logged, and retrying may help',
      );
  }
}
