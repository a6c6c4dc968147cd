import { propagation, ROOT_CONTEXT, SpanKind } from '@opentelemetry/api';
import type { Context, MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import {
  ATTR_HTTP_METHOD,
  ATTR_HTTP_ROUTE,
  ATTR_HTTP_STATUS,
  ATTR_JOB_ID,
  ATTR_TENANT,
  ATTR_URL_PATH,
} from '../../core/tracing/attributes.ts';
import { tracingEnabled } from '../../core/tracing/enabled.ts';
import { failSpan, inSpan } from '../../core/tracing/span.ts';

/** Headers as the W3C propagator reads them. */
const headerGetter = {
  keys: (carrier: Record<string, string>) => Object.keys(carrier),
  get: (carrier: Record<string, string>, key: string) => carrier[key.toLowerCase()],
};

/**
 * Hono middleware: each request runs inside a server span named by its method and
 * route (`POST /v1/jobs`), continuing the caller's trace when the request carries a
 * `traceparent`, so that everything a request starts (a submitted job, and through it the
 * coordinator's run and the workers' calls) is under it. A 5xx answer marks the span
 * failed; a `202` with a `Location` names the job it created. With tracing off it only
 * passes the request on.
 */
export function traceRequests(): MiddlewareHandler {
  return async (c, next) => {
    if (!tracingEnabled()) return next();
    const parent = propagation.extract(ROOT_CONTEXT, c.req.header(), headerGetter);
    const attributes = { [ATTR_HTTP_METHOD]: c.req.method, [ATTR_URL_PATH]: c.req.path };
    const start = { name: c.req.method, kind: SpanKind.SERVER, parent, attributes };
    await inSpan(start, async (span) => {
      await next();
      const route = routePath(c, -1);
      span.updateName(`${c.req.method} ${route}`);
      span.setAttribute(ATTR_HTTP_ROUTE, route);
      span.setAttribute(ATTR_HTTP_STATUS, c.res.status);
      const tenant = tenantOf(c);
      if (tenant) span.setAttribute(ATTR_TENANT, tenant);
      const created = /^\/v1\/jobs\/([^/]+)$/.exec(c.res.headers.get('location') ?? '');
      if (created) span.setAttribute(ATTR_JOB_ID, created[1]!);
      if (c.error || c.res.status >= 500) failSpan(span, c.error ?? `HTTP ${c.res.status}`);
    });
  };
}

/** The tenant the request's key acted for, once authenticated. */
function tenantOf(c: Context): string | undefined {
  const tenant = (c.var as { tenant?: unknown }).tenant;
  return typeof tenant === 'string' ? tenant : undefined;
}
