import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openQueue } from '../../core/queue/open.ts';
import type { Queue } from '../../core/queue/queue.ts';
import { QueuedRunner } from '../../core/runners/queued/runner.ts';
import { loadTube } from '../../core/tube/load.ts';
import { BASIC_TUBE, OWN } from '../../test/conformance/suite.ts';
import { writeDoublingTube, writeMarkerModule } from '../../test/fixtures/module-tubes.ts';
import { createApiApp } from '../api/app.ts';
import { KeyStore } from '../api/keys.ts';
import { authed } from '../api/test-env.ts';
import { QueueWorker } from '../worker/queue-worker.ts';
import { Coordinator, type CoordinatorOptions, type TubeRunOutcome } from './coordinator.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A queue, a worker and a coordinator over it; `started: false` leaves the coordinator to the test. */
async function setUp(options: Partial<CoordinatorOptions> = {}, { started = true } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'noob-coordinator-'));
  const queue = await openQueue(join(dir, 'noob.db'));
  const worker = new QueueWorker({ queue, idleMs: 2 });
  await worker.start();
  const outcomes = new Map<string, TubeRunOutcome>();
  const coordinator = new Coordinator({
    queue,
    pollMs: 5,
    recordOutcome: async (tenant, jobId, outcome) => {
      await queue.setJobOutcome(tenant, jobId, outcome);
      outcomes.set(jobId, outcome);
    },
    ...options,
  });
  if (started) coordinator.start();
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  cleanups.push(() => queue.close());
  cleanups.push(() => worker.stop());
  cleanups.push(() => coordinator.stop());
  return { queue, outcomes, dir, coordinator };
}

/** Submits `tube` through a job API over `queue` with `tubePaths`; returns the job's id. */
async function submitThroughApi(queue: Queue, tubePaths: string[], tube: string, epochs: number) {
  const keys = new KeyStore(queue.driver);
  const app = createApiApp({ queue, keys, tubePaths });
  const { key } = await keys.create('t1');
  const response = await app.request('/v1/jobs', authed(key, 'POST', { tube, epochs }));
  expect(response.status).toBe(202);
  return ((await response.json()) as { id: string }).id;
}

async function waitFor(
  outcomes: Map<string, TubeRunOutcome>,
  jobId: string,
): Promise<TubeRunOutcome> {
  for (let i = 0; i < 1000 && !outcomes.has(jobId); i++)
    await new Promise((r) => setTimeout(r, 10));
  return outcomes.get(jobId)!;
}

const submit = (queue: Queue, tube: string, epochs: number) =>
  queue.submitJob({
    tenant: 't1',
    kind: 'tube',
    payload: { tube, inputs: {}, epochs },
    open: true,
  });

describe('Coordinator', () => {
  it('default: runs a submitted tube job through the queue and records run(epochs)', async () => {
    const { queue, outcomes } = await setUp();
    const { jobId } = await submit(queue, readFileSync(BASIC_TUBE, 'utf8'), 5);
    expect(await waitFor(outcomes, jobId)).toEqual({ results: [0, 2, 4, 6, 8] });
    const job = await queue.getJob('t1', jobId);
    expect(job.sealed).toBe(true);
    expect(job.progress.done).toBe(5);
  });

  it('behavior: a run driven by a local queued runner is left to that runner', async () => {
    const { queue, outcomes } = await setUp();
    const runner = new QueuedRunner(await loadTube(BASIC_TUBE), {
      queue,
      tenant: 't1',
    });
    await runner.init();
    const local = runner.jobId!;
    expect(await runner.run(3)).toEqual([0, 2, 4]);
    // The coordinator is alive and scanning meanwhile: a submitted job of its own runs.
    const { jobId } = await submit(queue, readFileSync(BASIC_TUBE, 'utf8'), 2);
    expect(await waitFor(outcomes, jobId)).toEqual({ results: [0, 2] });
    await runner.deinit();
    expect(outcomes.has(local)).toBe(false);
    expect((await queue.getJob('t1', local)).outcome).toBeNull();
  });

  it('behavior: a failed look for jobs, or a failed outcome record, is told and retried', async () => {
    const told: unknown[] = [];
    let scanFailures = 1;
    let recordFailures = 1;
    const { queue, outcomes } = await setUp({
      onError: (error) => told.push(error),
      recordOutcome: async (tenant, jobId, outcome) => {
        if (recordFailures-- > 0) throw new Error('lost the connection while recording');
        await queue.setJobOutcome(tenant, jobId, outcome);
        outcomes.set(jobId, outcome);
      },
    });
    const batch = queue.driver.batch.bind(queue.driver);
    queue.driver.batch = async (statements, mode) => {
      if (statements[0]?.sql.includes('sealed = 0') && scanFailures-- > 0) {
        throw new Error('database is locked');
      }
      return batch(statements, mode);
    };
    const { jobId } = await submit(queue, readFileSync(BASIC_TUBE, 'utf8'), 2);
    expect(await waitFor(outcomes, jobId)).toEqual({ results: [0, 2] });
    expect(told.map(String)).toEqual([
      'Error: database is locked',
      'Error: lost the connection while recording',
    ]);
  });

  it('error: a tube that fails to load is recorded as the job’s error', async () => {
    const { queue, outcomes } = await setUp();
    const { jobId } = await submit(
      queue,
      readFileSync(join(OWN, 'special', 'cycle.yaml'), 'utf8'),
      1,
    );
    const outcome = (await waitFor(outcomes, jobId)) as {
      error: { code: string; message: string };
    };
    expect(outcome.error.code).toBe('TubeLoadError');
  });

  it('error: a node failure is recorded with the node, epoch and cause', async () => {
    const { queue, outcomes } = await setUp();
    const { jobId } = await submit(
      queue,
      readFileSync(join(OWN, 'special', 'error.yaml'), 'utf8'),
      2,
    );
    const outcome = (await waitFor(outcomes, jobId)) as {
      error: { code: string; message: string };
    };
    expect(outcome.error.code).toBe('NodeRunError');
    // Both epochs' calls fail; whichever failure reaches the runner first is reported.
    expect(outcome.error.message).toMatch(
      /node b failed in epoch [01]: .*This node just emits errors/,
    );
  });

  it('error: a tube with a module type put straight into the queue fails with the policy’s reason, importing nothing', async () => {
    const moduleDir = mkdtempSync(join(tmpdir(), 'noob-coordinator-modules-'));
    cleanups.push(() => rmSync(moduleDir, { recursive: true, force: true }));
    const marker = join(moduleDir, 'evil.imported');
    writeMarkerModule(join(moduleDir, 'evil.ts'), marker);
    const { queue, outcomes } = await setUp({ directory: moduleDir });
    const { jobId } = await submit(
      queue,
      'noob_id: sneaky\nnodes:\n  evil:\n    type: ./evil.ts#x\n    params:\n      value: 1\n',
      1,
    );
    const outcome = (await waitFor(outcomes, jobId)) as { error: { message: string } };
    expect(outcome.error.message).toMatch(
      /node evil: module type "\.\/evil\.ts#x" is not allowed: module types are disabled for submitted tubes; an operator enables them with `noob serve --allow-modules`/,
    );
    const job = await queue.getJob('t1', jobId);
    expect(job.state).toBe('failed');
    expect(job.outcome).toMatchObject({ error: { code: 'TubeLoadError' } });
    expect(existsSync(marker)).toBe(false);
  });

  it('behavior: a registered tube’s text runs with the module beside its file (a payload without `registered`)', async () => {
    const tubes = mkdtempSync(join(tmpdir(), 'noob-coordinator-tubes-'));
    cleanups.push(() => rmSync(tubes, { recursive: true, force: true }));
    const text = writeDoublingTube(tubes, 'doubles');
    const { queue, outcomes } = await setUp({ searchPaths: [tubes] });
    const { jobId } = await submit(queue, text, 3);
    expect(await waitFor(outcomes, jobId)).toEqual({ results: [0, 2, 4] });
  });

  it('behavior: a registered tube accepted by the API runs as accepted though its file was edited before the run', async () => {
    const tubes = mkdtempSync(join(tmpdir(), 'noob-coordinator-tubes-'));
    cleanups.push(() => rmSync(tubes, { recursive: true, force: true }));
    const text = writeDoublingTube(tubes, 'doubles-edited');
    const { queue, outcomes, coordinator } = await setUp(
      { searchPaths: [tubes] },
      { started: false },
    );
    const byId = await submitThroughApi(queue, [tubes], 'doubles-edited', 3);
    const verbatim = await submitThroughApi(queue, [tubes], text, 2);
    appendFileSync(join(tubes, 'doubles-edited.yaml'), '# edited by the operator\n');
    coordinator.start();
    expect(await waitFor(outcomes, byId)).toEqual({ results: [0, 2, 4] });
    expect(await waitFor(outcomes, verbatim)).toEqual({ results: [0, 2] });
    // It ran the text accepted, not the file's new one.
    expect((await queue.getJob('t1', byId)).payload).toMatchObject({
      tube: text,
      registered: { id: 'doubles-edited', path: join(tubes, 'doubles-edited.yaml') },
    });
  });

  it('behavior: a registered tube moved to another tube folder runs from there', async () => {
    const [before, after] = [0, 1].map(() => {
      const folder = mkdtempSync(join(tmpdir(), 'noob-coordinator-tubes-'));
      cleanups.push(() => rmSync(folder, { recursive: true, force: true }));
      return folder;
    });
    writeDoublingTube(before!, 'doubles-moved');
    const { queue, outcomes, coordinator } = await setUp(
      { searchPaths: [after!] },
      { started: false },
    );
    const jobId = await submitThroughApi(queue, [before!], 'doubles-moved', 2);
    writeDoublingTube(after!, 'doubles-moved');
    coordinator.start();
    expect(await waitFor(outcomes, jobId)).toEqual({ results: [0, 2] });
  });

  it('error: a registered tube removed before the run loses its trust, and the error says so', async () => {
    const tubes = mkdtempSync(join(tmpdir(), 'noob-coordinator-tubes-'));
    cleanups.push(() => rmSync(tubes, { recursive: true, force: true }));
    writeDoublingTube(tubes, 'doubles-removed');
    const { queue, outcomes, coordinator } = await setUp(
      { searchPaths: [tubes] },
      { started: false },
    );
    const jobId = await submitThroughApi(queue, [tubes], 'doubles-removed', 2);
    rmSync(join(tubes, 'doubles-removed.yaml'));
    coordinator.start();
    const outcome = (await waitFor(outcomes, jobId)) as { error: { message: string } };
    expect(outcome.error.message).toMatch(
      /registered tube "doubles-removed" is no longer in the server's tube folders .*node b: module type "\.\/nodes\.ts#double" is not allowed/,
    );
  });

  it("behavior: with modules: 'allow' a submitted tube's module runs", async () => {
    const moduleDir = mkdtempSync(join(tmpdir(), 'noob-coordinator-modules-'));
    cleanups.push(() => rmSync(moduleDir, { recursive: true, force: true }));
    writeMarkerModule(join(moduleDir, 'pass.ts'), join(moduleDir, 'pass.imported'));
    const { queue, outcomes } = await setUp({ directory: moduleDir, modules: 'allow' });
    const { jobId } = await submit(
      queue,
      'noob_id: passing\nnodes:\n  a:\n    type: noob.testing.count_source\n  b:\n    type: ./pass.ts#x\n    depends:\n      - value: a.index\n  r:\n    type: return\n    depends: b.value\n',
      2,
    );
    expect(await waitFor(outcomes, jobId)).toEqual({ results: [0, 1] });
    expect(existsSync(join(moduleDir, 'pass.imported'))).toBe(true);
  });
});
