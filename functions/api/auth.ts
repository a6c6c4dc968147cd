import type { MiddlewareHandler } from 'hono';
import { errorResponse } from '../http/errors.ts';
import type { KeyStore } from './keys.ts';

/** What the routes behind {@link requireApiKey} can read: the caller's tenant. */
export type AuthVariables = { tenant: string };

/**
 * `Authorization: Bearer KEY` → the key's tenant in `c.get('tenant')`; anything else is a
 * 401 that says how to authenticate. Every job a route touches is the tenant's own.
 */
export function requireApiKey(keys: KeyStore): MiddlewareHandler<{ Variables: AuthVariables }> {
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const tenant = match ? await keys.verify(match[1]!) : undefined;
    if (!tenant) {
      c.header('WWW-Authenticate', 'Bearer realm="noob"');
      return errorResponse(
        c,
        401,
        'unauthorized',
        match
          ? 'the API key is not valid (unknown, revoked or mistyped)'
          : 'an API key is required: send Authorization: Bearer KEY (create one with noob keys create --tenant NAME)',
      );
    }
    c.set('tenant', tenant);
    await next();
  };
}
