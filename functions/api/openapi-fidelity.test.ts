import { afterEach, describe, expect, it } from 'vitest';
import { type ApiTestEnv, apiTestEnv, authed } from './test-env.ts';

const BASIC_TUBE = 'testing-basic';

/**
 * What schemathesis (test/platform/schemathesis.test.ts) found where the server and its
 * /openapi.json disagreed, each kept as a plain regression case.
 */

let env: ApiTestEnv;
afterEach(async () => {
  await env?.close();
});

async function submit(body: unknown, headers: Record<string, string> = {}) {
  const init = authed(env.acme, 'POST', body);
  return env.app.request('/v1/jobs', {
    ...init,
    headers: { ...(init.headers as object), ...headers },
  });
}

async function problems(response: Response) {
  expect(response.status).toBe(400);
  return ((await response.json()) as any).error.details.map((d: { field: string }) => d.field);
}

describe('the job API as /openapi.json says', () => {
  it('error: an Idempotency-Key header over 200 characters is a 400 naming it, as the document says', async () => {
    env = await apiTestEnv();
    const long = await submit({ tube: BASIC_TUBE }, { 'idempotency-key': 'k'.repeat(201) });
    expect(await problems(long)).toEqual(['Idempotency-Key']);
    // Checked even when the body's key wins over it.
    const both = await submit(
      { tube: BASIC_TUBE, idempotencyKey: 'body' },
      { 'idempotency-key': 'k'.repeat(201) },
    );
    expect(await problems(both)).toEqual(['Idempotency-Key']);
    const fine = await submit({ tube: BASIC_TUBE }, { 'idempotency-key': 'k'.repeat(200) });
    expect(fine.status).toBe(202);
  });

  it('error: ?logs= other than true or false is a 400 naming logs, not a stream without logs', async () => {
    env = await apiTestEnv();
    const { id } = (await (await submit({ tube: BASIC_TUBE })).json()) as { id: string };
    const response = await env.app.request(`/v1/jobs/${id}/events?logs=AAA`, authed(env.acme));
    expect(await problems(response)).toEqual(['logs']);
  });

  it('error: a bad ?after= is a 400 naming it even with a good Last-Event-ID (both streams)', async () => {
    env = await apiTestEnv();
    const { id } = (await (await submit({ tube: BASIC_TUBE })).json()) as { id: string };
    const init = authed(env.acme);
    for (const stream of [`/v1/jobs/${id}/events`, '/v1/jobs/events']) {
      const response = await env.app.request(`${stream}?after=x`, {
        ...init,
        headers: { ...(init.headers as object), 'last-event-id': '1' },
      });
      expect(await problems(response), stream).toEqual(['after']);
    }
  });

  it('behavior: any job list cursor of the documented form is a place in the list', async () => {
    env = await apiTestEnv();
    await submit({ tube: BASIC_TUBE });
    for (const after of ['1.', '99999999999999.bm90LWEtam9i', `${Date.now() + 60_000}.AAAA`]) {
      const response = await env.app.request(`/v1/jobs?after=${after}`, authed(env.acme));
      expect(response.status, after).toBe(200);
    }
    const later = await env.app.request(`/v1/jobs?after=${Date.now() + 60_000}.`, authed(env.acme));
    expect(((await later.json()) as any).jobs).toHaveLength(1);
  });

  it('default: request schemas are documented as a client writes them (defaults optional)', async () => {
    env = await apiTestEnv();
    const doc = (await (await env.app.request('/openapi.json')).json()) as any;
    const backoff = doc.components.schemas.RetryPolicy.properties.backoff;
    expect(backoff.required).toEqual(['delayMs']);
    const accepted = await submit({
      tube: BASIC_TUBE,
      retry: { attempts: 2, backoff: { delayMs: 10 } },
    });
    expect(accepted.status).toBe(202);
  });
});
