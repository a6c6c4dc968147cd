import type { Context, MiddlewareHandler, Next } from 'hono';
import { bodyLimit } from 'hono/body-limit';

/** Options of {@link declaredBodyLimit}, as hono's `bodyLimit` takes them. */
export interface DeclaredBodyLimitOptions {
  /** Largest body accepted (bytes). */
  maxSize: number;
  /** The answer to a larger one. */
  onError: (c: Context) => Response | Promise<Response>;
}

/**
 * Hono's `bodyLimit`, without its cost on every request that says its size. Hono's first
 * asks whether the request has a body (`c.req.raw.body`), which on `@hono/node-server`
 * turns the adapter's light request into a full web `Request` with a stream over the
 * socket: about a third of what a submission cost the API's event loop, and it also
 * takes the body off the adapter's direct read that `c.req.json()` uses. A request with
 * `Content-Length` (and no `Transfer-Encoding`) is judged by that header, as hono's own
 * does once it gets there (Node's HTTP parser reads no more than it declares); any other
 * goes through hono's middleware, which counts the bytes as they come.
 */
export function declaredBodyLimit(options: DeclaredBodyLimitOptions): MiddlewareHandler {
  const counted = bodyLimit(options);
  return async (c: Context, next: Next) => {
    const length = c.req.header('content-length');
    if (length === undefined || c.req.header('transfer-encoding') !== undefined) {
      return counted(c, next);
    }
    if (Number.parseInt(length, 10) > options.maxSize) return options.onError(c);
    await next();
  };
}
