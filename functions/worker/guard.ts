import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { errorResponse } from '../http/errors.ts';

/** The environment variable `noob worker --http` and the http runner read the token from. */
export const WORKER_TOKEN_ENV = 'NOOB_WORKER_TOKEN';

/** A fresh random token (32 bytes, base64url), for a worker started without one. */
export function newWorkerToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * What every HTTP worker request must pass before the worker reads its body, since a task
 * runs code: a task may make the worker import a module.
 * - **No browser:** a request with an `Origin` header (every cross-site POST a web page
 *   makes, and its CORS preflight) is refused with 403 `cross_origin`. The http runner
 *   and curl send none.
 * - **The token:** with `token` set, `Authorization: Bearer TOKEN` is required (401
 *   `unauthorized` otherwise), compared in constant time. `GET /healthz` needs none.
 * - **JSON only:** a body-carrying request must say `Content-Type: application/json`
 *   (415 `unsupported_media_type`): `text/plain` is what a page can send without asking.
 */
export function workerGuard(token: string | undefined): MiddlewareHandler {
  const expected = token === undefined ? undefined : digest(token);
  return async (c, next) => {
    if (c.req.header('origin') !== undefined) {
      return errorResponse(
        c,
        403,
        'cross_origin',
        'a noob worker takes no requests from web pages (the request has an Origin header)',
      );
    }
    if (expected && c.req.path !== '/healthz') {
      const given = /^Bearer (.+)$/.exec(c.req.header('authorization') ?? '')?.[1];
      if (given === undefined || !timingSafeEqual(digest(given), expected)) {
        c.header('WWW-Authenticate', 'Bearer');
        return errorResponse(
          c,
          401,
          'unauthorized',
          `this worker needs its token: send Authorization: Bearer TOKEN (the token noob worker --http printed, or its --token / ${WORKER_TOKEN_ENV})`,
        );
      }
    }
    if (c.req.method === 'POST' || c.req.method === 'PUT' || c.req.method === 'PATCH') {
      const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
      if (type !== 'application/json') {
        return errorResponse(
          c,
          415,
          'unsupported_media_type',
          `a worker takes JSON bodies only (Content-Type: application/json), got ${type ? `"${type}"` : 'none'}`,
        );
      }
    }
    await next();
  };
}

/** Hashing both sides first makes the comparison constant-time whatever their lengths. */
function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
