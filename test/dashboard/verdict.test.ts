import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { JobNodes } from '../../functions/api/dashboard-schemas.ts';
import type { JobStatus } from '../../functions/api/schemas.ts';
import { authed, type ServedApiTestEnv, servedApiTestEnv } from '../../functions/api/test-env.ts';
import { Coordinator } from '../../functions/serve/coordinator.ts';
import { PeerNetwork } from '../../functions/serve/peer-network.ts';
import { TaskExecutor } from '../../functions/worker/executor.ts';
import { QueueWorker } from '../../functions/worker/queue-worker.ts';
import type { Peer } from '../../peers/peer.ts';
import { TaskWorker } from '../../peers/task-worker.ts';
import { startTestPeer } from '../../peers/test-peer.fixture.ts';
import { chromiumMissing, launchChromium, screenshot } from '../browser/chromium.ts';
import { openDashboard } from './platform.ts';

/**
 * A job run on the peer network, on its detail page in headless Chromium: the job API on
 * 127.0.0.1 over a libSQL file, a coordinator joined to three libp2p peers (in this
 * process) that run its calls, and a queue worker for the jobs that are not. The page
 * shows how the network verified the job; screenshot in
 * test-artifacts/screenshots/dashboard-verdict.png.
 */

if (chromiumMissing) console.log(`dashboard verdict test skipped: ${chromiumMissing}`);

const SQUARE = readFileSync(
  join(import.meta.dirname, '..', 'peers', 'tubes', 'square.yaml'),
  'utf8',
);
const EPOCHS = 4;
const stops: Array<() => Promise<void>> = [];
let browser: Browser;
let env: ServedApiTestEnv;
let peers: Peer[] = [];
const contexts: BrowserContext[] = [];
let pageErrors: string[] = [];

beforeAll(async () => {
  if (chromiumMissing) return;
  browser = await launchChromium();
  env = await servedApiTestEnv({ peerNetwork: true });
  stops.push(() => env.close());
  const first = await startTestPeer(stops);
  peers = [first, await startTestPeer(stops, { bootstrap: first.addresses })];
  peers.push(await startTestPeer(stops, { bootstrap: first.addresses }));
  for (const peer of peers) {
    const worker = new TaskWorker({ peer, executor: new TaskExecutor() });
    await worker.start();
    stops.push(async () => worker.stop());
  }
  const network = await PeerNetwork.join(first.addresses);
  stops.push(() => network.close());
  const worker = new QueueWorker({ queue: env.queue, idleMs: 2 });
  await worker.start();
  stops.push(() => worker.stop());
  const coordinator = new Coordinator({
    queue: env.queue,
    pollMs: 5,
    network,
    recordOutcome: async (tenant, jobId, outcome) => {
      await env.queue.setJobOutcome(tenant, jobId, outcome);
    },
  });
  coordinator.start();
  stops.push(() => coordinator.stop());
}, 60_000);

afterAll(async () => {
  await browser?.close();
  // Last started, first stopped: the coordinator before the network, the queue last.
  for (const stop of stops.reverse()) await stop().catch(() => undefined);
});

afterEach(async () => {
  for (const context of contexts.splice(0)) await context.close();
  expect(pageErrors).toEqual([]);
  pageErrors = [];
});

/** Submits a job as tenant acme and waits (at most 60 s) until it is final; its status. */
async function finishedJob(body: Record<string, unknown>): Promise<JobStatus> {
  const response = await fetch(
    `${env.url}/v1/jobs`,
    authed(env.acme, 'POST', { tube: SQUARE, epochs: EPOCHS, ...body }),
  );
  expect(response.status).toBe(202);
  const { id } = (await response.json()) as { id: string };
  return vi.waitFor(
    async () => {
      const response = await fetch(`${env.url}/v1/jobs/${id}`, authed(env.acme));
      const job = (await response.json()) as JobStatus;
      if (!['succeeded', 'failed', 'cancelled'].includes(job.state)) throw new Error(job.state);
      return job;
    },
    { timeout: 60_000, interval: 100 },
  );
}

/** The job's detail page, opened by its link. */
async function openJob(id: string): Promise<Page> {
  const { context, page, errors } = await openDashboard(
    browser,
    { url: `${env.url}/` } as Parameters<typeof openDashboard>[1],
    { key: env.acme },
  );
  contexts.push(context);
  pageErrors = errors;
  await page.goto(`${env.url}/#job=${id}`);
  await page.locator('#detail').waitFor({ state: 'visible', timeout: 30_000 });
  return page;
}

describe.skipIf(chromiumMissing)('dashboard: a job run on the peer network', () => {
  it("behavior: the job's page shows its verification: mode, k and q, each call's accepted result and executors, the evidence count", async () => {
    const job = await finishedJob({ runner: 'p2p', verification: { mode: 'quorum', k: 3, q: 2 } });
    expect(job.state).toBe('succeeded');
    const page = await openJob(job.id);
    const box = page.locator('#detail-verdict-box');
    await box.waitFor({ state: 'visible', timeout: 30_000 });
    await expect
      .poll(() => page.locator('#detail-verdict-mode').textContent())
      .toBe('quorum 3/2: accepted at 2 equal results of 3 executors');
    const calls = job.verdict!.calls;
    expect(await page.locator('#detail-verdict-summary').textContent()).toBe(
      `${calls} node calls accepted · 0 evidence records against executors that answered otherwise`,
    );
    expect(await page.locator('#detail-verdict-evidence').isHidden()).toBe(true);
    // One row per accepted call, each naming its node, epoch, CIDs and executors in full
    // (the tooltips), as the API has them.
    const rows = page.locator('#detail-verdict-body tr');
    expect(await rows.count()).toBe(calls);
    const shown = await rows.evaluateAll((trs) =>
      trs.map((tr) => {
        const cells = [...tr.querySelectorAll('td')];
        const titles = (cell: (typeof cells)[number]) =>
          [...cell.querySelectorAll('code')].map((c) => c.title);
        return {
          node: cells[0]!.textContent,
          epoch: cells[1]!.textContent,
          task: titles(cells[2]!)[0],
          result: titles(cells[3]!)[0],
          executors: titles(cells[4]!),
        };
      }),
    );
    expect(shown).toEqual(
      job.verdict!.accepted.map(
        (call: {
          node: string;
          epoch: string;
          task: string;
          result: string;
          executors: string[];
        }) => ({
          node: call.node,
          epoch: call.epoch,
          task: call.task,
          result: call.result,
          executors: call.executors,
        }),
      ),
    );
    const peerIds = peers.map((peer) => peer.peerId);
    for (const row of shown) {
      expect(row.executors.length).toBeGreaterThanOrEqual(2);
      for (const executor of row.executors) expect(peerIds).toContain(executor);
    }
    const path = await screenshot(page, 'dashboard-verdict');
    expect(existsSync(path)).toBe(true);
  }, 120_000);

  it("behavior: the job's graph shows each node's calls on the peers (done, mean time), as a queued job's tasks", async () => {
    const job = await finishedJob({ runner: 'p2p' });
    expect(job.state).toBe('succeeded');
    const response = await fetch(`${env.url}/v1/jobs/${job.id}/nodes`, authed(env.acme));
    const { nodes } = (await response.json()) as JobNodes;
    const square = nodes.find((node) => node.id === 'square')!;
    expect(square.tasks).toEqual({ queued: 0, running: 0, done: EPOCHS, failed: 0, cancelled: 0 });
    expect(square.meanRunMs).toBeGreaterThanOrEqual(0);
    const page = await openJob(job.id);
    const drawn = page.locator('#detail-graph g[data-node="square"]');
    await expect.poll(() => drawn.getAttribute('data-state')).toBe('done');
    expect(await drawn.textContent()).toMatch(new RegExp(`^square.*${EPOCHS} done.*mean \\d`));
  }, 120_000);

  it('behavior: a trusted job says so, and a job for the workers shows no verification', async () => {
    const trusted = await finishedJob({ runner: 'p2p' });
    const page = await openJob(trusted.id);
    await expect
      .poll(() => page.locator('#detail-verdict-mode').textContent())
      .toBe('trusted: the first answer of one executor');
    expect(await page.locator('#detail-verdict-body tr').count()).toBe(trusted.verdict!.calls);

    const queued = await finishedJob({});
    expect(queued.verdict).toBeUndefined();
    const other = await openJob(queued.id);
    await expect.poll(() => other.locator('#detail-results').textContent()).toContain('9');
    expect(await other.locator('#detail-verdict-box').isHidden()).toBe(true);
  }, 120_000);
});
