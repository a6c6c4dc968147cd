import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiTestEnv, apiTestEnv, authed } from '../../functions/api/test-env.ts';
import { fromSchema, type Schema } from './schema-arbitrary.ts';

/**
 * Schema-based fuzzing of the job API, driven by its own OpenAPI document (what
 * schemathesis does, in TypeScript with fast-check): every operation, with path, query,
 * header and body values drawn from the document's schemas, mixed with values they do
 * not allow, keys good and bad, and methods a path does not take (TRACE, which a Fetch
 * Request cannot carry, is checked over real HTTP in functions/api/limits.test.ts). No answer may be a 5xx,
 * leak a stack trace or a server path, or break the error shape.
 */

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  schema?: Schema;
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

let env: ApiTestEnv;
let document: Document;
let jobId: string;
beforeAll(async () => {
  env = await apiTestEnv();
  document = (await (await env.app.request('/openapi.json')).json()) as Document;
  const created = await env.app.request(
    '/v1/jobs',
    authed(env.acme, 'POST', { tube: 'testing-basic', epochs: 2 }),
  );
  jobId = ((await created.json()) as { id: string }).id;
});
afterAll(() => env.close());

/** A request as text, to report and replay. */
interface FuzzRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

const asText = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

/** Requests for every operation of the document. */
function requests(): fc.Arbitrary<FuzzRequest> {
  const schemas = document.components.schemas;
  const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ path, method, operation })),
  );
  return fc.constantFrom(...operations).chain(({ path, method, operation }) => {
    const parameters = operation.parameters ?? [];
    const values = fc.record(
      Object.fromEntries(
        parameters.map((p) => [
          `${p.in}:${p.name}`,
          p.in === 'path'
            ? fc.oneof(fc.constant(jobId), fc.string({ maxLength: 30, unit: 'binary' }))
            : fc.option(fromSchema(p.schema, schemas)),
        ]),
      ),
    );
    const bodySchema = operation.requestBody?.content?.['application/json']?.schema;
    const body = bodySchema
      ? fc.oneof(
          { weight: 4, arbitrary: fromSchema(bodySchema, schemas).map(asText) },
          { weight: 1, arbitrary: fc.string({ maxLength: 50, unit: 'binary' }) },
        )
      : fc.constant(undefined);
    return fc
      .record({
        values,
        body,
        key: fc.constantFrom(env.acme, env.globex, 'not-a-key', ''),
        type: fc.constantFrom('application/json', 'application/json', 'text/plain', ''),
        otherMethod: fc.option(fc.constantFrom('PUT', 'PATCH', 'DELETE', 'POST'), {
          freq: 8,
        }),
      })
      .map(({ values, body, key, type, otherMethod }) => {
        let url = path;
        const query = new URLSearchParams();
        const headers: Record<string, string> = {};
        for (const p of parameters) {
          const value = values[`${p.in}:${p.name}`];
          if (value === null || value === undefined) continue;
          if (p.in === 'path') url = url.replace(`{${p.name}}`, encodeURIComponent(asText(value)));
          else if (p.in === 'query') query.set(p.name, asText(value));
          // Header values must be Latin-1 without line breaks.
          else headers[p.name] = asText(value).replace(/[^\x20-\x7e]/g, '?');
        }
        if (key) headers.authorization = `Bearer ${key}`;
        if (type) headers['content-type'] = type;
        const search = query.toString();
        const verb = (otherMethod ?? method).toUpperCase();
        return {
          method: verb,
          url: `${url}${search ? `?${search}` : ''}`,
          headers,
          ...(body !== undefined && verb !== 'GET' ? { body } : {}),
        };
      });
  });
}

/** Signs of a leaked stack trace or server file. */
const LEAK = /\n\s+at \S|\.ts:\d+|node_modules|\/work\/|\/home\/|\/tmp\//;

describe('API fuzzing from the OpenAPI document', () => {
  it('behavior: no request drawn from the schemas gets a 5xx, a stack trace or a broken error shape', async () => {
    await fc.assert(
      fc.asyncProperty(requests(), async (request) => {
        const response = await env.app.request(request.url, {
          method: request.method,
          headers: request.headers,
          ...(request.body === undefined ? {} : { body: request.body }),
        });
        const type = response.headers.get('content-type') ?? '';
        if (type.includes('text/event-stream')) {
          await response.body?.cancel();
          expect(response.status).toBeLessThan(500);
          return;
        }
        const text = await response.text();
        const label = `${request.method} ${request.url} → ${response.status} ${text.slice(0, 300)}`;
        expect(response.status, label).toBeLessThan(500);
        expect(LEAK.test(text), label).toBe(false);
        if (response.status >= 400) {
          const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
          expect(typeof body.error?.code, label).toBe('string');
          expect(typeof body.error?.message, label).toBe('string');
        }
      }),
      { numRuns: 300 },
    );
  });
});
