import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Sqld, startSqld } from '../../test/queue/sqld.ts';
import type { QueueDriver } from './backend.ts';
import { ManualClock } from './clock.ts';
import { openDriver } from './open.ts';
import { Queue } from './queue.ts';

const root = mkdtempSync(join(tmpdir(), 'noob-outcome-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
let servers: Sqld[] = [];
afterEach(async () => {
  await Promise.all(servers.map((server) => server.stop()));
  servers = [];
});

const drivers: Array<[string, () => Promise<QueueDriver>]> = [
  ['embedded libSQL file', () => openDriver(join(root, `q${n++}.db`))],
  [
    'remote sqld',
    async () => {
      const server = await startSqld();
      servers.push(server);
      return openDriver(server.url);
    },
  ],
];

describe.each(drivers)('job outcome: %s', (_name, open) => {
  let queue: Queue;
  let clock: ManualClock;

  beforeEach(async () => {
    clock = new ManualClock(1_700_000_000_000);
    queue = new Queue(await open(), { clock });
  });
  afterEach(async () => {
    await queue.close();
  });

  const openTubeJob = () =>
    queue.submitJob({ tenant: 'acme', kind: 'tube', payload: { epochs: 2 }, open: true });

  it('default: results recorded after the tasks finish the job and are read back', async () => {
    const { jobId } = await openTubeJob();
    await queue.addTasks('acme', jobId, [{ cid: 'a' }]);
    const [task] = await queue.claim({ workerId: 'w' });
    await queue.complete('w', task!.id, 1);
    expect((await queue.getJob('acme', jobId)).state).toBe('running');
    clock.advance(5);
    expect(await queue.setJobOutcome('acme', jobId, { results: [0, 2] })).toBe(true);
    const job = await queue.getJob('acme', jobId);
    expect(job).toMatchObject({ state: 'succeeded', sealed: true, outcome: { results: [0, 2] } });
    expect(job.finishedAt).toBe(clock.now());
    const types = (await queue.events('acme', jobId)).map((e) => e.type);
    expect(types).toContain('job.outcome');
    expect((await queue.events('acme', jobId)).find((e) => e.type === 'job.outcome')!.data).toEqual(
      { results: [0, 2] },
    );
  });

  it('behavior: results recorded before the last task finish the job when it completes', async () => {
    const { jobId } = await openTubeJob();
    await queue.addTasks('acme', jobId, [{ cid: 'a' }]);
    await queue.setJobOutcome('acme', jobId, { results: [] });
    expect((await queue.getJob('acme', jobId)).state).toBe('queued');
    const [task] = await queue.claim({ workerId: 'w' });
    await queue.complete('w', task!.id, 1);
    expect((await queue.getJob('acme', jobId)).state).toBe('succeeded');
  });

  it('behavior: a job without an outcome reads null', async () => {
    const { jobId } = await openTubeJob();
    expect((await queue.getJob('acme', jobId)).outcome).toBeNull();
  });

  it('behavior: an error fails the job and cancels its queued tasks', async () => {
    const { jobId } = await openTubeJob();
    await queue.addTasks('acme', jobId, [{ cid: 'a' }, { cid: 'b' }]);
    const [running] = await queue.claim({ workerId: 'w' });
    expect(await queue.setJobOutcome('acme', jobId, { error: new TypeError('bad input') })).toBe(
      true,
    );
    const job = await queue.getJob('acme', jobId);
    expect(job.state).toBe('failed');
    expect(job.outcome).toEqual({ error: { code: 'TypeError', message: 'bad input' } });
    expect(job.progress.cancelled).toBe(1);
    expect(await queue.claim({ workerId: 'w2' })).toEqual([]);
    expect((await queue.heartbeat('w', [running!.id])).cancelled).toEqual([running!.id]);
  });

  it('behavior: an error given as {code, message, details} is kept as it is', async () => {
    const { jobId } = await openTubeJob();
    const error = { code: 'TubeLoadError', message: 'invalid tube', details: [{ path: ['x'] }] };
    await queue.setJobOutcome('acme', jobId, { error });
    expect((await queue.getJob('acme', jobId)).outcome).toEqual({ error });
  });

  it('behavior: an outcome is recorded once', async () => {
    const { jobId } = await openTubeJob();
    expect(await queue.setJobOutcome('acme', jobId, { results: [1] })).toBe(true);
    expect(await queue.setJobOutcome('acme', jobId, { results: [2] })).toBe(false);
    expect((await queue.getJob('acme', jobId)).outcome).toEqual({ results: [1] });
  });

  it('behavior: a cancelled job takes no outcome', async () => {
    const { jobId } = await openTubeJob();
    await queue.cancelJob('acme', jobId);
    expect(await queue.setJobOutcome('acme', jobId, { results: [1] })).toBe(false);
    expect((await queue.getJob('acme', jobId)).outcome).toBeNull();
  });

  it("error: another tenant's job is not found", async () => {
    const { jobId } = await openTubeJob();
    const error = await queue.setJobOutcome('other', jobId, { results: [] }).catch((e) => e);
    expect(error).toMatchObject({ name: 'JobNotFoundError' });
    expect((await queue.getJob('acme', jobId)).outcome).toBeNull();
  });

  it('error: an outcome that is neither results nor an error is refused', async () => {
    const { jobId } = await openTubeJob();
    const error = await queue.setJobOutcome('acme', jobId, { results: 'x' } as any).catch((e) => e);
    expect(error).toMatchObject({ name: 'InvalidSubmissionError' });
  });
});
