import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openQueue } from '../../core/queue/open.ts';
import type { Queue } from '../../core/queue/queue.ts';
import { createApiApp } from '../api/app.ts';
import { KeyStore } from '../api/keys.ts';
import { authed, TEST_TUBE_PATHS } from '../api/test-env.ts';
import { QueueWorker } from '../worker/queue-worker.ts';
import { Coordinator } from './coordinator.ts';

/** One call that waits a minute unless stopped. */
const WAITING = `noob_id: timeout-wait
nodes:
  count:
    type: noob.testing.count_source
  wait:
    type: noob.testing.just_wait
    params:
      wait_for: 60
    depends:
      - value: count.index
  out:
    type: return
    depends: wait.value
`;

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A queue, a worker, a coordinator and the job API over them, with keys for two tenants. */
async function platform(limits: { maxJobTimeoutMs?: number } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'noob-job-timeout-'));
  const queue = await openQueue(join(dir, 'noob.db'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  cleanups.push(() => queue.close());
  // Heartbeats every 200 ms: a cancelled call is stopped within that.
  const worker = new QueueWorker({ queue, idleMs: 2, heartbeatMs: 200 });
  await worker.start();
  cleanups.push(() => worker.stop());
  const coordinator = new Coordinator({
    queue,
    pollMs: 5,
    searchPaths: TEST_TUBE_PATHS,
    recordOutcome: async (tenant, jobId, outcome) => {
      await queue.setJobOutcome(tenant, jobId, outcome);
    },
  });
  coordinator.start();
  cleanups.push(() => coordinator.stop());
  const keys = new KeyStore(queue.driver);
  const app = createApiApp({ queue, keys, tubePaths: TEST_TUBE_PATHS, limits });
  const acme = (await keys.create('acme')).key;
  const globex = (await keys.create('globex')).key;
  const submit = async (key: string, body: Record<string, unknown>) => {
    const response = await app.request('/v1/jobs', authed(key, 'POST', body));
    return { status: response.status, body: (await response.json()) as { id: string } };
  };
  return { queue, submit, acme, globex };
}

/** The job once it has finished (bounded: 30 s). */
async function finished(queue: Queue, tenant: string, id: string) {
  for (let i = 0; i < 3_000; i++) {
    const job = await queue.getJob(tenant, id, { taskResults: false });
    if (job.finishedAt !== null) return job;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`job ${id} did not finish`);
}

describe('per-job timeout', () => {
  it("error: a job past its timeoutMs fails with JobTimeoutError, its running task cancelled; another tenant's job succeeds", async () => {
    const { queue, submit, acme, globex } = await platform();
    const slow = await submit(acme, { tube: WAITING, epochs: 1, timeoutMs: 500 });
    expect(slow.status).toBe(202);
    const other = await submit(globex, { tube: 'testing-basic', epochs: 3 });
    const failed = await finished(queue, 'acme', slow.body.id);
    expect(failed.state).toBe('failed');
    expect(failed.outcome).toMatchObject({
      error: { code: 'JobTimeoutError', details: { timeoutMs: 500 } },
    });
    expect(JSON.stringify(failed.outcome)).toMatch(/not done by its deadline/);
    // The running call is stopped at its worker's next heartbeat (bounded: 30 s).
    let cancelled = 0;
    for (let i = 0; i < 3_000 && cancelled === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      cancelled = (await queue.getJob('acme', slow.body.id)).progress.cancelled;
    }
    expect(cancelled).toBe(1);
    expect((await finished(queue, 'globex', other.body.id)).outcome).toEqual({
      results: [0, 2, 4],
    });
    // The worker is not wedged by the cancelled call: the same tenant's next job runs.
    const next = await submit(acme, { tube: 'testing-basic', epochs: 2 });
    expect((await finished(queue, 'acme', next.body.id)).outcome).toEqual({ results: [0, 2] });
  });

  it('error: a job waiting for workers that never come fails at its deadline; retried, it gets its timeout again', async () => {
    const { queue, submit, acme } = await platform();
    const waiting = await submit(acme, {
      tube: 'testing-basic',
      tags: ['gpu:none-here'],
      timeoutMs: 1_000,
    });
    const job = await finished(queue, 'acme', waiting.body.id);
    expect(job.state).toBe('failed');
    expect(job.outcome).toMatchObject({ error: { code: 'JobTimeoutError' } });
    // Retried, its timeout counts again from the retry.
    const retriedAt = Date.now();
    await queue.retryJob('acme', waiting.body.id);
    // Read from the row: the running coordinator may lease the job again at once, and a
    // leased job is not in another owner's admissible list.
    const { rows } = await queue.driver.execute({
      sql: 'SELECT deadline_at FROM jobs WHERE id = :id',
      params: { id: waiting.body.id },
    });
    expect(Number(rows[0]?.deadline_at)).toBeGreaterThanOrEqual(retriedAt + 1_000);
    const again = await finished(queue, 'acme', waiting.body.id);
    expect(again.outcome).toMatchObject({ error: { code: 'JobTimeoutError' } });
  });

  it("error: a timeoutMs over the server's maximum is a 400 naming the field and the maximum", async () => {
    const { submit, acme } = await platform({ maxJobTimeoutMs: 60_000 });
    const { status, body } = await submit(acme, { tube: 'testing-basic', timeoutMs: 60_001 });
    expect(status).toBe(400);
    expect(JSON.stringify(body)).toMatch(/timeoutMs.*maximum job timeout of 60000 ms/);
  });

  it('behavior: a job without timeoutMs gets the server maximum; one that finishes in time succeeds', async () => {
    const { queue, submit, acme } = await platform({ maxJobTimeoutMs: 60_000 });
    const { body } = await submit(acme, { tube: 'testing-basic', epochs: 2 });
    const job = await finished(queue, 'acme', body.id);
    expect(job.outcome).toEqual({ results: [0, 2] });
    expect(job.payload).toMatchObject({ timeoutMs: 60_000 });
  });
});
