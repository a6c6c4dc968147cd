import { Hono } from 'hono';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { startTracing, type Tracing } from '../../core/tracing/start.ts';
import { OtlpReceiver } from '../../test/tracing/otlp-receiver.ts';
import { traceRequests } from './request-span.ts';

let receiver: OtlpReceiver;
let tracing: Tracing | undefined;

beforeEach(async () => {
  receiver = await OtlpReceiver.start();
});

afterEach(async () => {
  await tracing?.stop();
  tracing = undefined;
  await receiver.close();
});

/** An app with the middleware: a route with a parameter, one that fails, one that creates. */
function app() {
  const app = new Hono<{ Variables: { tenant: string } }>();
  app.use(traceRequests());
  app.onError((error, c) => c.json({ error: error.message }, 500));
  app.use('/v1/*', async (c, next) => {
    c.set('tenant', 'acme');
    await next();
  });
  app.get('/v1/things/:id', (c) => c.json({ id: c.req.param('id') }));
  app.get('/v1/broken', () => {
    throw new Error('the database went away');
  });
  app.post('/v1/jobs', (c) => {
    c.header('Location', '/v1/jobs/job-9');
    return c.json({ id: 'job-9' }, 202);
  });
  return app;
}

/** The spans the receiver got once tracing stopped (which sends them). */
async function sent() {
  await tracing!.stop();
  tracing = undefined;
  return receiver.spans();
}

describe('traceRequests', () => {
  test('behavior: a request is a server span named by its route, continuing the caller trace', async () => {
    tracing = await startTracing('noob-api', {
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint },
    });
    const traceId = 'ab'.repeat(16);
    const caller = 'cd'.repeat(8);
    const response = await app().request('/v1/things/42', {
      headers: { traceparent: `00-${traceId}-${caller}-01` },
    });
    expect(response.status).toBe(200);
    const created = await app().request('/v1/jobs', { method: 'POST' });
    expect(created.status).toBe(202);
    const spans = await sent();
    expect(spans.find((span) => span.name === 'GET /v1/things/:id')).toMatchObject({
      traceId,
      parentSpanId: caller,
      kind: 2,
      status: { code: 0 },
      attributes: {
        'http.request.method': 'GET',
        'http.route': '/v1/things/:id',
        'url.path': '/v1/things/42',
        'http.response.status_code': 200,
        'noob.tenant': 'acme',
      },
    });
    expect(spans.find((span) => span.name === 'POST /v1/jobs')).toMatchObject({
      parentSpanId: '',
      attributes: { 'noob.job.id': 'job-9', 'http.response.status_code': 202 },
    });
  });

  test('error: a request that fails with a 5xx fails its span, with the error', async () => {
    tracing = await startTracing('noob-api', {
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint },
    });
    expect((await app().request('/v1/broken')).status).toBe(500);
    const [span] = await sent();
    expect(span).toMatchObject({
      name: 'GET /v1/broken',
      status: { code: 2, message: 'Error: the database went away' },
      attributes: { 'http.response.status_code': 500 },
    });
  });

  test('behavior: untraced, requests pass through and nothing is sent', async () => {
    expect((await app().request('/v1/things/1')).status).toBe(200);
    expect((await app().request('/v1/broken')).status).toBe(500);
    expect(receiver.exports).toEqual([]);
  });
});
