import { afterEach, describe, expect, it } from 'vitest';
import { type ApiTestEnv, apiTestEnv } from './test-env.ts';

let env: ApiTestEnv;
afterEach(async () => {
  await env?.close();
});

/** Every `$ref` in a document. */
function refs(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) refs(item, found);
  else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key === '$ref' && typeof item === 'string') found.push(item);
      else refs(item, found);
    }
  }
  return found;
}

describe('GET /openapi.json', () => {
  it('default: an OpenAPI 3.2 document listing every route, served without a key', async () => {
    env = await apiTestEnv();
    const response = await env.app.request('/openapi.json');
    expect(response.status).toBe(200);
    const doc = (await response.json()) as any;
    expect(doc.openapi).toBe('3.2.0');
    const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods as object).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(operations.sort()).toEqual(
      [
        'GET /',
        'GET /v1/jobs',
        'GET /v1/jobs/events',
        'POST /v1/jobs',
        'GET /v1/jobs/{id}',
        'DELETE /v1/jobs/{id}',
        'GET /v1/jobs/{id}/events',
        'GET /v1/jobs/{id}/nodes',
        'GET /v1/jobs/{id}/logs',
        'POST /v1/jobs/{id}/retry',
        'POST /v1/jobs/{id}/rerun',
        'GET /v1/dead-letters',
        'GET /v1/workers',
        'GET /v1/settlement/claims/{address}',
        'GET /openapi.json',
        'GET /healthz',
        'GET /livez',
        'GET /readyz',
        'GET /metrics',
      ].sort(),
    );
  });

  it('behavior: the document lists exactly the routes the app serves', async () => {
    env = await apiTestEnv();
    const doc = (await (await env.app.request('/openapi.json')).json()) as any;
    const documented = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods as object).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const served = env.app.routes
      .filter((route) => route.method !== 'ALL') // middleware
      .map((route) => `${route.method} ${route.path.replace(/:(\w+)/g, '{$1}')}`);
    expect([...new Set(served)].sort()).toEqual(documented.sort());
  });

  it('behavior: the schemas are the validating ones, and every $ref resolves', async () => {
    env = await apiTestEnv();
    const doc = (await (await env.app.request('/openapi.json')).json()) as any;
    const schemas = doc.components.schemas;
    expect(Object.keys(schemas)).toEqual(
      expect.arrayContaining([
        'JobRequest',
        'JobCreated',
        'JobStatus',
        'JobEvent',
        'WorkerList',
        'Error',
      ]),
    );
    // The request as a client writes it: only tube is required, unknown fields refused.
    expect(schemas.JobRequest.required).toEqual(['tube']);
    expect(schemas.JobRequest.additionalProperties).toBe(false);
    expect(schemas.JobRequest.properties.epochs).toMatchObject({ type: 'integer', minimum: 1 });
    expect(schemas.JobRequest.properties.priority.enum).toEqual([
      'CRITICAL',
      'HIGH',
      'NORMAL',
      'LOW',
    ]);
    expect(schemas.JobStatus.properties.state.enum).toEqual([
      'queued',
      'running',
      'succeeded',
      'failed',
      'cancelled',
    ]);
    for (const ref of refs(doc)) {
      const name = ref.replace('#/components/schemas/', '');
      expect(schemas[name], ref).toBeDefined();
    }
    const post = doc.paths['/v1/jobs'].post;
    expect(post.requestBody.content['application/json'].schema.$ref).toBe(
      '#/components/schemas/JobRequest',
    );
    expect(Object.keys(post.responses).sort()).toEqual([
      '202',
      '400',
      '401',
      '409',
      '413',
      '415',
      '429',
      '500',
    ]);
    expect(post.parameters).toEqual([expect.objectContaining({ name: 'Idempotency-Key' })]);
    // The stream is a sequence of messages (each a JobEvent, a LogEntry or, last, a
    // JobStatus as JSON text), not one JobEvent; a bad resume id is a documented 400.
    const events = doc.paths['/v1/jobs/{id}/events'].get;
    const stream = events.responses['200'].content['text/event-stream'];
    expect(stream.schema).toBeUndefined();
    expect(stream.itemSchema.oneOf.map((one: any) => one.properties.data.contentSchema)).toEqual(
      expect.arrayContaining([
        { $ref: '#/components/schemas/JobStatus' },
        { $ref: '#/components/schemas/LogEntry' },
        { $ref: '#/components/schemas/JobEvent' },
      ]),
    );
    expect(Object.keys(events.responses)).toEqual(expect.arrayContaining(['400', '429']));
    expect(Object.keys(doc.paths['/v1/jobs/{id}'].get.responses)).toContain('404');
  });
});
