import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseStreamCursor } from './events.ts';
import { decodeJobCursor } from './job-list.ts';
import { JOB_CURSOR, LOG_ID, openApiDocument, STREAM_ID } from './openapi.ts';
import { logQuery } from './schemas.ts';

/**
 * The patterns /openapi.json gives for the parameters the server parses itself are
 * exactly what it accepts: a client (or schemathesis) that keeps to the document is never
 * refused, and text outside them is. Empty means "from the start" for each, which the
 * routes handle before parsing.
 */

const PARSERS: Array<[string, string, (text: string) => boolean]> = [
  ['job list cursor', JOB_CURSOR, (text) => decodeJobCursor(text) !== undefined],
  ['event stream id', STREAM_ID, (text) => parseStreamCursor(text) !== undefined],
  ['log entry id', LOG_ID, (text) => logQuery.safeParse({ after: text }).success],
];

describe('OpenAPI parameter patterns', () => {
  for (const [what, pattern, accepts] of PARSERS) {
    it(`behavior: every ${what} the document allows is accepted`, () => {
      fc.assert(
        fc.property(
          fc.stringMatching(new RegExp(pattern)).filter((text) => text !== ''),
          (text) => accepts(text),
        ),
      );
    });

    it(`error: a ${what} outside the document's pattern is refused`, () => {
      fc.assert(
        fc.property(
          fc
            .string({ maxLength: 40 })
            .filter((text) => text !== '' && !new RegExp(pattern).test(text)),
          (text) => !accepts(text),
        ),
      );
    });
  }

  it('default: the document uses them for after, Last-Event-ID and the log cursor', () => {
    const paths = openApiDocument().paths as Record<string, any>;
    const pattern = (path: string, name: string) =>
      paths[path].get.parameters.find((p: { name: string }) => p.name === name).schema.pattern;
    expect(pattern('/v1/jobs', 'after')).toBe(JOB_CURSOR);
    expect(pattern('/v1/jobs/{id}/events', 'after')).toBe(STREAM_ID);
    expect(pattern('/v1/jobs/{id}/events', 'Last-Event-ID')).toBe(STREAM_ID);
    expect(pattern('/v1/jobs/{id}/logs', 'after')).toBe(LOG_ID);
  });
});
