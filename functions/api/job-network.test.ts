import { afterEach, describe, expect, it } from 'vitest';
import { escrowIdFor } from '../../contracts/client/escrow-id.ts';
import type { TubeJobPayload } from './submit-job.ts';
import { type ApiTestEnv, apiTestEnv, authed } from './test-env.ts';

/**
 * POST /v1/jobs with `runner: "p2p"`, `verification` and `settlement`: what is accepted,
 * what is refused, what a job shows.
 */

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setUp(peerNetwork: boolean): Promise<ApiTestEnv> {
  const env = await apiTestEnv({ peerNetwork });
  cleanups.push(() => env.close());
  return env;
}

async function submit(env: ApiTestEnv, body: Record<string, unknown>) {
  const response = await env.app.request(
    '/v1/jobs',
    authed(env.acme, 'POST', { tube: 'testing-basic', epochs: 2, ...body }),
  );
  return { status: response.status, body: (await response.json()) as any };
}

describe('jobs for the peer network', () => {
  it('behavior: a p2p job keeps its runner and verification in what the coordinator runs (trusted by default)', async () => {
    const env = await setUp(true);
    const quorum = await submit(env, {
      runner: 'p2p',
      verification: { mode: 'quorum', k: 3, q: 2 },
    });
    expect(quorum.status).toBe(202);
    const payload = (await env.queue.getJob('acme', quorum.body.id)).payload as TubeJobPayload;
    expect(payload).toMatchObject({
      runner: 'p2p',
      verification: { mode: 'quorum', k: 3, q: 2 },
    });
    const trusted = await submit(env, { runner: 'p2p' });
    expect(
      ((await env.queue.getJob('acme', trusted.body.id)).payload as TubeJobPayload).verification,
    ).toEqual({ mode: 'trusted' });
    // A job for the workers carries neither.
    const plain = await submit(env, {});
    const plainPayload = (await env.queue.getJob('acme', plain.body.id)).payload as TubeJobPayload;
    expect(plainPayload.runner).toBeUndefined();
    expect(plainPayload.verification).toBeUndefined();
  });

  it("behavior: a p2p job waiting for its coordinator is not said to wait for workers (its tags are the peers')", async () => {
    const env = await setUp(true);
    const { body } = await submit(env, { runner: 'p2p', tags: ['gpu'] });
    // No worker and no coordinator here: a job for the workers would say no_workers at once.
    const job = (await (
      await env.app.request(`/v1/jobs/${body.id}`, authed(env.acme))
    ).json()) as any;
    expect(job.state).toBe('queued');
    expect(job.waiting).toBeNull();
  });

  it('behavior: a job shows the verdict its coordinator recorded; the job list leaves it out, as it does results', async () => {
    const env = await setUp(true);
    const { body } = await submit(env, { runner: 'p2p' });
    const verdict = {
      verification: { mode: 'quorum', k: 3, q: 2 },
      calls: 1,
      accepted: [
        { node: 'a', epoch: '0', task: 'bafytask', result: 'bafyresult', executors: ['p1', 'p2'] },
      ],
      evidence: 1,
    };
    await env.queue.setJobOutcome('acme', body.id, { results: [4], verdict });
    const job = (await (
      await env.app.request(`/v1/jobs/${body.id}`, authed(env.acme))
    ).json()) as any;
    expect(job.verdict).toEqual(verdict);
    const list = (await (await env.app.request('/v1/jobs', authed(env.acme))).json()) as any;
    expect(list.jobs[0].id).toBe(body.id);
    expect(list.jobs[0]).not.toHaveProperty('verdict');
    expect(list.jobs[0]).not.toHaveProperty('results');
  });

  it('error: runner "p2p" on a server with no peer network is a 409 naming the field, and queues nothing', async () => {
    const env = await setUp(false);
    const { status, body } = await submit(env, { runner: 'p2p' });
    expect(status).toBe(409);
    expect(body.error.code).toBe('no_peer_network');
    expect(body.error.message).toMatch(/--peers/);
    expect(body.error.details).toEqual([{ field: 'runner', message: expect.any(String) }]);
    expect(await env.queue.openJobCount('acme')).toBe(0);
  });

  it.each([
    ['q over k', { mode: 'quorum', k: 3, q: 4 }, 'verification.q'],
    ['k over 16', { mode: 'quorum', k: 17, q: 2 }, 'verification.k'],
    ['k under 2', { mode: 'quorum', k: 1, q: 1 }, 'verification.k'],
    ['an unknown mode', { mode: 'majority' }, 'verification.mode'],
    ['an unknown field', { mode: 'trusted', k: 3 }, 'verification.k'],
  ])(
    'error: a verification with %s is a 400 naming the field',
    async (_what, verification, field) => {
      const env = await setUp(true);
      const { status, body } = await submit(env, { runner: 'p2p', verification });
      expect(status).toBe(400);
      expect(body.error.code).toBe('invalid_request');
      expect(body.error.details.map((d: { field: string }) => d.field)).toContain(field);
      expect(await env.queue.openJobCount('acme')).toBe(0);
    },
  );

  it('error: verification without runner "p2p", or an unknown runner, is a 400 naming the field', async () => {
    const env = await setUp(true);
    const stray = await submit(env, { verification: { mode: 'trusted' } });
    expect(stray.status).toBe(400);
    expect(stray.body.error.details.map((d: { field: string }) => d.field)).toEqual([
      'verification',
    ]);
    const unknown = await submit(env, { runner: 'lambda' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details.map((d: { field: string }) => d.field)).toEqual(['runner']);
  });
});

async function getJob(env: ApiTestEnv, id: string) {
  return (await (await env.app.request(`/v1/jobs/${id}`, authed(env.acme))).json()) as any;
}

describe('jobs with a settlement', () => {
  it('behavior: a p2p job keeps the escrow derived from its tenant and name, and its reward, for its coordinator, and shows them with counts null until it ends', async () => {
    const env = await setUp(true);
    const reward = '1000000000000000000000';
    const { status, body } = await submit(env, {
      runner: 'p2p',
      settlement: { name: 'march', reward },
    });
    expect(status).toBe(202);
    const escrow = escrowIdFor('acme', 'march');
    const payload = (await env.queue.getJob('acme', body.id)).payload as TubeJobPayload;
    expect(payload.settlement).toEqual({ escrow, name: 'march', reward });
    expect((await getJob(env, body.id)).settlement).toEqual({
      escrow,
      name: 'march',
      reward,
      recordedCalls: null,
      unpaidCalls: null,
      unpaidAnswers: null,
    });
    // A job without one shows none.
    const plain = await submit(env, { runner: 'p2p' });
    expect(await getJob(env, plain.body.id)).not.toHaveProperty('settlement');
  });

  it("behavior: two tenants naming the same escrow name are paid from two escrows; a request naming an on-chain id (another tenant's escrow) is refused", async () => {
    const env = await setUp(true);
    const settlement = { name: 'shared', reward: '7' };
    const fromAcme = await submit(env, { runner: 'p2p', settlement });
    const fromGlobex = await env.app.request(
      '/v1/jobs',
      authed(env.globex, 'POST', { tube: 'testing-basic', runner: 'p2p', settlement }),
    );
    expect(fromGlobex.status).toBe(202);
    const globexId = ((await fromGlobex.json()) as { id: string }).id;
    const acmeEscrow = (
      (await env.queue.getJob('acme', fromAcme.body.id)).payload as TubeJobPayload
    ).settlement?.escrow;
    const globexEscrow = ((await env.queue.getJob('globex', globexId)).payload as TubeJobPayload)
      .settlement?.escrow;
    expect(acmeEscrow).toBe(escrowIdFor('acme', 'shared'));
    expect(globexEscrow).toBe(escrowIdFor('globex', 'shared'));
    expect(acmeEscrow).not.toBe(globexEscrow);

    const naming = await submit(env, {
      runner: 'p2p',
      settlement: { escrow: globexEscrow, name: 'shared', reward: '7' },
    });
    expect(naming.status).toBe(400);
    expect(naming.body.error.details.map((d: { field: string }) => d.field)).toContain(
      'settlement.escrow',
    );
  });

  it('behavior: once ended, the job shows the counts its coordinator recorded with the verdict (not twice)', async () => {
    const env = await setUp(true);
    const { body } = await submit(env, {
      runner: 'p2p',
      settlement: { name: 'counts', reward: '5' },
    });
    const verdict = { verification: { mode: 'trusted' }, calls: 3, accepted: [], evidence: 0 };
    const counts = { recordedCalls: 2, unpaidCalls: 1, unpaidAnswers: 1 };
    await env.queue.setJobOutcome('acme', body.id, {
      results: [4],
      verdict: { ...verdict, settlement: counts },
    });
    const job = await getJob(env, body.id);
    expect(job.settlement).toEqual({
      escrow: escrowIdFor('acme', 'counts'),
      name: 'counts',
      reward: '5',
      ...counts,
    });
    expect(job.verdict).toEqual(verdict);
  });

  it.each([
    ['an empty name', { name: '', reward: '1' }, 'settlement.name'],
    ['a name with a space', { name: 'my escrow', reward: '1' }, 'settlement.name'],
    ['a name over 100 characters', { name: 'a'.repeat(101), reward: '1' }, 'settlement.name'],
    ['no name', { reward: '1' }, 'settlement.name'],
    ['a zero reward', { name: 'n', reward: '0' }, 'settlement.reward'],
    ['a negative reward', { name: 'n', reward: '-5' }, 'settlement.reward'],
    ['a fractional reward', { name: 'n', reward: '1.5' }, 'settlement.reward'],
    ['a reward as a number', { name: 'n', reward: 5 }, 'settlement.reward'],
    [
      'a reward over a uint96 (what an escrow holds)',
      { name: 'n', reward: (2n ** 96n).toString() },
      'settlement.reward',
    ],
    ['an unknown field', { name: 'n', reward: '1', token: 'x' }, 'settlement.token'],
  ])(
    'error: a settlement with %s is a 400 naming the field, and queues nothing',
    async (_what, settlement, field) => {
      const env = await setUp(true);
      const { status, body } = await submit(env, { runner: 'p2p', settlement });
      expect(status).toBe(400);
      expect(body.error.code).toBe('invalid_request');
      expect(body.error.details.map((d: { field: string }) => d.field)).toContain(field);
      expect(await env.queue.openJobCount('acme')).toBe(0);
    },
  );

  it('error: a settlement without runner "p2p" is a 400 naming the field', async () => {
    const env = await setUp(true);
    const { status, body } = await submit(env, { settlement: { name: 'n', reward: '1' } });
    expect(status).toBe(400);
    expect(body.error.details.map((d: { field: string }) => d.field)).toEqual(['settlement']);
    expect(body.error.message).toMatch(/runner "p2p"/);
    expect(await env.queue.openJobCount('acme')).toBe(0);
  });
});
