import type { Context } from 'hono';
import type { FieldProblem } from './errors.ts';

/**
 * A request's query parameters, each given once: a parameter repeated (`?state=a&state=b`)
 * is a problem named in `problems`, not silently one of its values.
 */
export function singleQueryValues(c: Context): {
  query: Record<string, string>;
  problems: FieldProblem[];
} {
  const problems: FieldProblem[] = [];
  const query: Record<string, string> = {};
  for (const [name, values] of Object.entries(c.req.queries())) {
    if (values.length > 1) problems.push({ field: name, message: 'given more than once' });
    query[name] = values[0] ?? '';
  }
  return { query, problems };
}
