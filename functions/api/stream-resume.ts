import type { Context } from 'hono';
import type { FieldProblem } from './errors.ts';

/**
 * Where an event stream resumes, as its client says it: Last-Event-ID, or `?after=` for
 * clients that cannot set headers (Last-Event-ID wins; empty or absent: none). Each one
 * given is checked with `valid`, so that a bad one is a 400 naming it, never ignored
 * because the other was good.
 */
export function streamResume(
  c: Context,
  valid: (text: string) => boolean,
): { text: string; problems: FieldProblem[] } {
  const given = { 'Last-Event-ID': c.req.header('last-event-id'), after: c.req.query('after') };
  const problems = Object.entries(given)
    .filter(([, value]) => value && !valid(value))
    .map(([field, value]) => ({
      field,
      message: `expected an event id, got ${JSON.stringify(value)}`,
    }));
  return { text: given['Last-Event-ID'] || given.after || '', problems };
}
