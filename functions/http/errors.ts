import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/**
 * The one error shape every noob HTTP service answers with:
 * `{"error": {"code", "message", "details"}}`, with the status that fits.
 */
export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

/** Answers with the error shape. */
export function errorResponse(
  c: Context,
  status: ContentfulStatusCode,
  code: string,
  message: string,
  details?: unknown,
): Response {
  const body: ErrorBody = {
    error: { code, message, ...(details === undefined ? {} : { details }) },
  };
  return c.json(body, status);
}
