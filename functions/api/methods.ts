import type { Context } from 'hono';
import { errorResponse } from '../http/errors.ts';

/**
 * 405 for a path the API serves with another method (TRACE /v1/jobs, PUT /v1/jobs/:id),
 * with `Allow` listing the methods it takes, as HTTP asks; undefined for a path it does not
 * serve at all (a 404). The routes are read from the OpenAPI document, so the two agree.
 */
export function methodNotAllowed(
  c: Context,
  openApi: Record<string, unknown>,
): Response | undefined {
  const paths = openApi.paths as Record<string, Record<string, unknown>>;
  for (const [template, operations] of Object.entries(paths)) {
    if (!pathPattern(template).test(c.req.path)) continue;
    const methods = Object.keys(operations).map((method) => method.toUpperCase());
    if (methods.includes('GET')) methods.push('HEAD');
    c.header('Allow', methods.join(', '));
    return errorResponse(
      c,
      405,
      'method_not_allowed',
      `${c.req.path} does not take ${c.req.method}; it takes ${methods.join(', ')}`,
      { allow: methods },
    );
  }
  return undefined;
}

const patterns = new Map<string, RegExp>();

/** An OpenAPI path template (`/v1/jobs/{id}`) as a regular expression for one path. */
function pathPattern(template: string): RegExp {
  let pattern = patterns.get(template);
  if (!pattern) {
    const escaped = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+');
    pattern = new RegExp(`^${escaped}$`);
    patterns.set(template, pattern);
  }
  return pattern;
}
