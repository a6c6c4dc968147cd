import { NoobError } from '../errors.ts';

/**
 * The client commands' errors: one line each, exit 1, no stack. `main` matches them by
 * `name` (see {@link isApiCommandError}).
 */

/** Nothing answers at the server's address. */
export class ServerUnreachableError extends NoobError {
  override name = 'ServerUnreachableError' as const;
}

/**
 * The server answered with an error (a refused key, an unknown job, a bad request, …), or
 * the database has no such thing (`noob keys revoke` of an unknown key).
 */
export class ApiCommandError extends NoobError {
  override name = 'ApiCommandError' as const;
  /** The API's error code (`unauthorized`, `job_not_found`, …). */
  readonly code: string;

  constructor(message: string, code: string) {
    super(message);
    this.code = code;
  }
}

/** Whether `error` is one of this file's (printed as its message, exit 1). */
export function isApiCommandError(
  error: unknown,
): error is ServerUnreachableError | ApiCommandError {
  const name = (error as { name?: unknown } | null)?.name;
  return name === 'ServerUnreachableError' || name === 'ApiCommandError';
}

/**
 * What a failed call to the server at `url` means, in one line a user can act on: the
 * server is not there, the key was refused, the job is unknown, or the server's own
 * message. Anything else (a bug) is returned as it is.
 */
export function explainApiError(error: unknown, url: string): unknown {
  const named = error as { name?: string; status?: number; code?: string; message?: string };
  if (named?.name === 'ApiError') {
    const text = (named.message ?? '').replace(/ \(HTTP \d+ [\w-]+\)$/, '');
    if (named.status === 401) {
      return new ApiCommandError(
        `the server at ${url} refused the API key: ${text}. Give the key noob serve printed, or one from noob keys create, with --key or NOOB_KEY`,
        'unauthorized',
      );
    }
    const hint = named.code === 'job_not_found' ? ': noob jobs list shows your jobs' : '';
    return new ApiCommandError(
      `${text}${hint} (HTTP ${named.status} ${named.code})`,
      named.code ?? '',
    );
  }
  const cause = unreachableCause(error);
  if (cause !== undefined) {
    const what = LOST.has(cause) ? 'lost the connection to' : 'cannot reach';
    return new ServerUnreachableError(
      `${what} the noob server at ${url} (${cause}): start it with noob serve, or give its address with --url or NOOB_URL`,
    );
  }
  return error;
}

/** Causes that mean the server was there and the connection broke. */
const LOST = new Set(['connection reset', 'connection closed', 'timed out']);

/** Why fetch could not talk to the server (`connection refused`, …), or undefined. */
function unreachableCause(error: unknown): string | undefined {
  if (!(error instanceof TypeError)) return undefined;
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const reasons: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ENOTFOUND: 'no such host',
    EAI_AGAIN: 'no such host',
    ECONNRESET: 'connection reset',
    UND_ERR_SOCKET: 'connection closed',
    ETIMEDOUT: 'timed out',
    EHOSTUNREACH: 'host unreachable',
  };
  if (cause?.code) return reasons[cause.code] ?? cause.code;
  return error.message === 'fetch failed' ? (cause?.message ?? 'fetch failed') : undefined;
}
