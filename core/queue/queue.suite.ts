import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { QueueDriver } from './backend.ts';
import { ManualClock } from './clock.ts';
import { RetryableTaskError, UnrecoverableError, UnrecoverableTaskError } from './errors.ts';
import { migrate } from './migrate.ts';
import { Queue } from './queue.ts';
import type { TaskSpec } from './types.ts';

/**
 * The one queue suite every driver runs (embedded libSQL file, remote sqld): the same
 * semantics whatever the database. `openDriver` must return a migrated driver on an
 * empty database for each test. Time is a ManualClock: leases, delays, backoff and
 * aging are tested by moving it, never by sleeping.
 */

const AGING_MS = 60_000;
const LEASE_MS = 30_000;

/** Tasks `prefix0…prefixN-1` with inputs 0…N-1. */
function tasks(n: number, prefix = 'cid-', extra: Partial<TaskSpec> = {}): TaskSpec[] {
  return Array.from({ length: n }, (_, i) => ({ cid: `${prefix}${i}`, input: i, ...extra }));
}

/** Register the queue suite for one driver. */
export function describeQueueSuite(name: string, openDriver: () => Promise<QueueDriver>): void {
  describe(`queue suite: ${name}`, () => {
    let queue: Queue;
    let clock: ManualClock;
    let jitter = 0;

    beforeEach(async () => {
      clock = new ManualClock(1_700_000_000_000);
      jitter = 0;
      queue = new Queue(await openDriver(), {
        clock,
        agingMs: AGING_MS,
        leaseMs: LEASE_MS,
        backoffBaseMs: 1_000,
        backoffMaxMs: 60_000,
        maxAttempts: 3,
        random: () => jitter,
      });
    });
    afterEach(async () => {
      await queue.close();
    });

    it('default', async () => {
      const { jobId, created } = await queue.submitJob({
        tenant: 'acme',
        kind: 'tasks',
        tasks: tasks(2),
      });
      expect(created).toBe(true);
      expect((await queue.getJob('acme', jobId)).state).toBe('queued');
      const claimed = await queue.claim({ workerId: 'w1', max: 10 });
      expect(claimed.map((t) => [t.cid, t.input, t.attempt, t.jobId])).toEqual([
        ['cid-0', 0, 1, jobId],
        ['cid-1', 1, 1, jobId],
      ]);
      expect((await queue.getJob('acme', jobId)).state).toBe('running');
      for (const task of claimed) {
        expect(await queue.complete('w1', task.id, { out: Number(task.input) * 10 })).toBe(true);
      }
      const job = await queue.getJob('acme', jobId);
      expect(job.state).toBe('succeeded');
      expect(job.progress).toEqual({ total: 2, done: 2, failed: 0, cancelled: 0 });
      expect(job.results).toEqual({ 'cid-0': { out: 0 }, 'cid-1': { out: 10 } });
      expect(job.finishedAt).toBe(clock.now());
    });

    it('behavior: migrations are recorded and applying them again does nothing', async () => {
      expect(await migrate(queue.driver)).toEqual([]);
    });

    it('behavior: events has no trigger, so the rows one statement inserts are numbered together', async () => {
      // completed_jobs counts the events completed_events just inserted by their ids (the
      // last changes() of them up to last_insert_rowid()): a trigger on INSERT into events
      // would put rows of its own among them.
      const { rows } = await queue.driver.execute({
        sql: "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'events'",
        params: {},
      });
      expect(rows).toEqual([]);
    });

    it('behavior: the same CID within a job is stored once', async () => {
      const { jobId } = await queue.submitJob({
        tenant: 'acme',
        kind: 'tasks',
        tasks: [...tasks(3), ...tasks(3)],
      });
      expect((await queue.getJob('acme', jobId)).progress.total).toBe(3);
      expect(await queue.claim({ workerId: 'w1', max: 10 })).toHaveLength(3);
    });

    it('behavior: taskOutcomes reads several tasks of a job at once, only that tenant’s, only CIDs it has', async () => {
      const { jobId } = await queue.submitJob({ tenant: 'acme', kind: 'tasks', tasks: tasks(3) });
      const [first] = await queue.claim({ workerId: 'w1', max: 1 });
      await queue.complete('w1', first!.id, { out: 1 });
      await queue.fail(
        'w1',
        (await queue.claim({ workerId: 'w1', max: 1 }))[0]!.id,
        new Error('no'),
        {
          retryable: false,
        },
      );
      const outcomes = await queue.taskOutcomes('acme', jobId, ['cid-0', 'cid-1', 'cid-2', 'nope']);
      expect(Object.fromEntries(outcomes)).toEqual({
        'cid-0': { state: 'succeeded', result: { out: 1 } },
        'cid-1': { state: 'dead', failure: expect.objectContaining({ message: 'no' }) },
        'cid-2': { state: 'queued' },
      });
      expect((await queue.taskOutcomes('other', jobId, ['cid-0'])).size).toBe(0);
      expect((await queue.taskOutcomes('acme', jobId, [])).size).toBe(0);
    });

    it('behavior: finalOutcomes reads only final outcomes, and only the count while it is the one seen', async () => {
      const { jobId } = await queue.submitJob({ tenant: 'acme', kind: 'tasks', tasks: tasks(3) });
      const cids = ['cid-0', 'cid-1', 'cid-2'];
      expect(await queue.finalOutcomes('acme', jobId, cids)).toEqual({
        finished: 0,
        outcomes: new Map(),
      });
      const [first] = await queue.claim({ workerId: 'w1', max: 1 });
      await queue.complete('w1', first!.id, { out: 1 });
      const seen = await queue.finalOutcomes('acme', jobId, cids, 0);
      expect(seen.finished).toBe(1);
      expect(Object.fromEntries(seen.outcomes)).toEqual({
        'cid-0': { state: 'succeeded', result: { out: 1 } },
      });
      // Nothing became final since: only the count is read.
      expect((await queue.finalOutcomes('acme', jobId, cids, 1)).outcomes.size).toBe(0);
      expect((await queue.finalOutcomes('acme', jobId, cids)).outcomes.size).toBe(1);
      expect((await queue.finalOutcomes('other', jobId, cids)).outcomes.size).toBe(0);
    });

    it('behavior: a large submission keeps its order and stores a repeated CID once, across statements', async () => {
      // 700 rows take several insert statements (256 at most each); the repeats come last.
      const spec = {
        tenant: 'acme',
        kind: 'tasks' as const,
        tasks: [...tasks(600), ...tasks(100)],
      };
      const { jobId } = await queue.submitJob(spec);
      expect((await queue.getJob('acme', jobId)).progress.total).toBe(600);
      const claimed = await queue.claim({ workerId: 'w1', max: 1000 });
      expect(claimed.map((t) => t.cid)).toEqual(tasks(600).map((t) => t.cid));
      expect(claimed.map((t) => t.input)).toEqual(tasks(600).map((t) => t.input));
      // Added to an open job the same way: only the new ones count.
      const open = await queue.submitJob({ tenant: 'acme', kind: 'tasks', open: true });
      expect(await queue.addTasks('acme', open.jobId, tasks(300))).toBe(300);
      expect(await queue.addTasks('acme', open.jobId, tasks(400))).toBe(100);
      expect((await queue.getJob('acme', open.jobId)).progress.total).toBe(400);
    });

    it('behavior: claims follow priority CRITICAL > HIGH > NORMAL > LOW', async () => {
      await queue.submitJob({
        tenant: 'acme',
        kind: 'tasks',
        tasks: [
          { cid: 'low', priority: 'LOW' },
          { cid: 'normal' },
          { cid: 'critical', priority: 'CRITICAL' },
          { cid: 'high', priority: 'HIGH' },
        ],
      });
      await queue.submitJob({ tenant: 'acme', kind: 'tasks', priority: 'HIGH', tasks: tasks(1) });
      const order = [];
      for (let i = 0; i < 5; i++) order.push(...(await queue.claim({ workerId: 'w' })));
      expect(order.map((t) => t.cid)).toEqual(['critical', 'high', 'cid-0', 'normal', 'low']);
      expect(order.map((t) => t.priority)).toEqual(['CRITICAL', 'HIGH', 'HIGH', 'NORMAL', 'LOW']);
    });

    it('behavior: aging: a LOW task that waited long enough goes before fresh CRITICAL work', async () => {
      await queue.submitJob({
        tenant: 'acme',
        kind: 'tasks',
        tasks: [{ cid: 'old-low', priority: 'LOW' }],
      });
      clock.advance(3 * AGING_MS + 1);
      await queue.submitJob({
        tenant: 'acme',
        kind: 'tasks',
        priority: 'CRITICAL',
        tasks: tasks(3, 'fresh-'),
      });
      const [first] = await queue.claim({ workerId: 'w' });
      expect(first!.cid).toBe('old-low');
    });

    it('behavior: aging: a LOW task that waited less still yields to CRITICAL work', async () => {
      await queue.submitJob({
        tenant: 'acme',
        kind: 'tasks',
        tasks: [{ cid: 'low', priority: 'LOW' }],
      });
      clock.advance(2 * AGING_MS);
      await queue.submitJob({
        tenant: 'acme',
        kind: 'tasks',
        tasks: [{ cid: 'c', priority: 'CRITICAL' }],
      });
      expect((await queue.claim({ workerId: 'w', max: 2 })).map((t) => t.cid)).toEqual([
        'c',
        'low',
      ]);
    });

    it('behavior: affinity: a task goes only to a worker with all its tags', async () => {
      await queue.submitJob({
        tenant: 'acme',
        kind: 'tasks',
        tasks: [
          { cid: 'gpu-eu', tags: ['gpu', 'region:eu'] },
          { cid: 'gpu', tags: ['gpu'] },
          { cid: 'any' },
        ],
      });
      expect(
        (await queue.claim({ workerId: 'gpu-us', tags: ['gpu', 'region:us'], max: 10 })).map(
          (t) => t.cid,
        ),
      ).toEqual(['gpu', 'any']);
      expect(await queue.claim({ workerId: 'cpu', tags: ['cpu', 'region:eu'], max: 10 })).toEqual(
        [],
      );
      expect(
        (await queue.claim({ workerId: 'gpu-eu', tags: ['region:eu', 'gpu', 'cpu'] })).map(
          (t) => t.cid,
        ),
      ).toEqual(['gpu-eu']);
    });

    it('behavior: a delayed task is not claimable before its delay', async () => {
      await queue.submitJob({
        tenant: 'acme',
        kind: 'tasks',
        tasks: [{ cid: 'later', delayMs: 5_000 }, { cid: 'now' }],
      });
      expect((await queue.claim({ workerId: 'w', max: 10 })).map((t) => t.cid)).toEqual(['now']);
      clock.advance(4_999);
      expect(await queue.claim({ workerId: 'w', max: 10 })).toEqual([]);
      clock.advance(1);
      expect((await queue.claim({ workerId: 'w', max: 10 })).map((t) => t.cid)).toEqual(['later']);
    });

    it('behavior: batched claims take up to max tasks, and concurrent claims never share one', async () => {
      await queue.submitJob({ tenant: 'acme', kind: 'tasks', tasks: tasks(100) });
      const batches = await Promise.all(
        Array.from({ length: 8 }, (_, i) => queue.claim({ workerId: `w${i}`, max: 15 })),
      );
      const sizes = batches.map((b) => b.length).sort((a, b) => a - b);
      expect(sizes).toEqual([0, 10, 15, 15, 15, 15, 15, 15]);
      const ids = batches.flat().map((t) => t.id);
      expect(new Set(ids).size).toBe(100);
    });

    it('behavior: completeAndClaim reports results and takes the next tasks in one step', async () => {
      const a = await queue.submitJob({ tenant: 'acme', kind: 'tasks', tasks: tasks(3) });
      const b = await queue.submitJob({ tenant: 'acme', kind: 'tasks', tasks: tasks(1, 'b-') });
      const first = await queue.completeAndClaim([], { workerId: 'w', max: 2 });
      expect(first).toMatchObject({ accepted: [] });
      expect(first.claimed.map((t) => t.cid)).toEqual(['cid-0', 'cid-1']);
      const stale = { taskId: first.claimed[0]!.id, result: 'again' };
      const second = await queue.completeAndClaim(
        [...first.claimed.map((t) => ({ taskId: t.id, result: t.cid })), stale],
        { workerId: 'w', max: 5 },
      );
      // The repeated report of the first task is not accepted a second time.
      expect(second.accepted).toEqual([true, true, false]);
      expect(second.claimed.map((t) => t.cid)).toEqual(['cid-2', 'b-0']);
      const third = await queue.completeAndClaim(
        second.claimed.map((t) => ({ taskId: t.id, result: t.cid })),
        { workerId: 'w', max: 5 },
      );
      expect(third).toEqual({ accepted: [true, true], claimed: [] });
      const jobA = await queue.getJob('acme', a.jobId);
      expect(jobA.state).toBe('succeeded');
      expect(jobA.progress).toEqual({ total: 3, done: 3, failed: 0, cancelled: 0 });
      expect(jobA.results).toEqual({ 'cid-0': 'cid-0', 'cid-1': 'cid-1', 'cid-2': 'cid-2' });
      expect((await queue.getJob('acme', b.jobId)).results).toEqual({ 'b-0': 'b-0' });
      const counted = (await queue.events('acme', a.jobId))
        .filter((e) => e.type === 'tasks.succeeded')
        .map((e) => e.data.count);
      expect(counted).toEqual([2, 1]);
    });

    it('behavior: an offer takes tasks of the next submission in its transaction, then is used up', async () => {
      const got: string[][] = [];
      const offer = (workerId: string, tags: string[]) =>
        queue.offer({
          request: { workerId, tags, max: 2, leaseMs: LEASE_MS },
          deliver: (claimed) => got.push([workerId, ...claimed.map((t) => t.cid)]),
        });
      offer('cpu-worker', ['cpu']);
      offer('gpu-worker', ['gpu']);
      const gpu = tasks(3, 'gpu-', { tags: ['gpu'] });
      const { jobId } = await queue.submitJob({ tenant: 'acme', kind: 'tasks', tasks: gpu });
      // Delivered with the commit: the gpu worker holds two leases, the cpu worker none.
      expect(got).toEqual([['cpu-worker'], ['gpu-worker', 'gpu-0', 'gpu-1']]);
      const events = await queue.events('acme', jobId);
      expect(events.find((e) => e.type === 'tasks.leased')?.data).toMatchObject({
        worker: 'gpu-worker',
        count: 2,
      });
      // The gpu worker's offer is used up; the cpu worker's, with nothing for it, stays.
      got.length = 0;
      const cpu = tasks(1, 'cpu-', { tags: ['cpu'] });
      await queue.submitJob({ tenant: 'acme', kind: 'tasks', tasks: cpu });
      expect(got).toEqual([['cpu-worker', 'cpu-0']]);
      // The third gpu task is still queued for anyone able to run it.
      const rest = await queue.claim({ workerId: 'w9', tags: ['gpu'], max: 5 });
      expect(rest.map((t) => t.cid)).toEqual(['gpu-2']);
    });

    it('behavior: a withdrawn offer takes nothing; a bad one is refused at once', async () => {
      const got: number[] = [];
      const withdraw = queue.offer({
        request: { workerId: 'w1', max: 5 },
        deliver: (claimed) => got.push(claimed.length),
      });
      withdraw();
      await queue.submitJob({ tenant: 'acme', kind: 'tasks', tasks: tasks(2) });
      expect(got).toEqual([]);
      expect(() => queue.offer({ request: { workerId: '', max: 1 }, deliver: () => {} })).toThrow(
        /workerId/,
      );
    });

    it('behavior: getJob without task results reads the job row and its first failures only', async () => {
      const { jobId } = await queue.submitJob({ tenant: 'acme', kind: 'tasks', tasks: tasks(3) });
      const claimed = await queue.claim({ workerId: 'w', max: 3 });
      await queue.complete('w', claimed[0]!.id, 'ok');
      await queue.fail('w', claimed[1]!.id, new Error('boom'), { retryable: false });
      const full = await queue.getJob('acme', jobId);
      const summary = await queue.getJob('acme', jobId, { taskResults: false });
      expect(full.results).toEqual({ 'cid-0': 'ok' });
      expect(summary.results).toEqual({});
      expect(summary.failures).toEqual(full.failures);
      expect(summary.failures['cid-1']).toMatchObject({ message: 'boom' });
      expect({ ...summary, results: full.results }).toEqual(full);
    });

    it('behavior: released tasks are queued again at once, without counting an attempt', async () => {
      const { jobId } = await queue.submitJob({ tenant: 'acme', kind: 'tasks', tasks: tasks(3) });
      const claimed = await queue.claim({ workerId: 'stopping', max: 3 });
      const [kept, ...unstarted] = claimed;
      const ids = unstarted.map((t) => t.id);
      // Only the holder can release, and only what it holds.
      expect(await queue.release('someone-else', ids)).toEqual([]);
      expect((await queue.release('stopping', [...ids, 999_999])).sort()).toEqual(ids.sort());
      const again = await queue.claim({ workerId: 'next', max: 3 });
      expect(again.map((t) => [t.cid, t.attempt])).toEqual([
        ['cid-1', 1],
        ['cid-2', 1],
      ]);
      expect(await queue.complete('stopping', kept!.id, 'done')).toBe(true);
      await queue.cancelJob('acme', jobId);
      // A task of a cancelled job is not queued again: it ends cancelled.
      const both = again.map((t) => t.id);
      expect((await queue.release('next', both)).sort()).toEqual(both.sort());
      const job = await queue.getJob('acme', jobId);
      expect(job.progress).toMatchObject({ done: 1, cancelled: 2 });
    });

    it('behavior: nextReady tells an idle worker whether work is ready and when it will be', async () => {
      const empty = await queue.nextReady();
      expect(empty).toMatchObject({ ready: false, nextRunAt: null, nextLeaseExpiry: null });
      // A driver that counts commits marks the look, for a hand-off (see handoff.ts).
      const counts = queue.driver.commitCounts !== undefined;
      expect(empty.idle?.until).toBe(counts ? Infinity : undefined);
      await queue.submitJob({
        tenant: 'acme',
        kind: 'tasks',
        tasks: [
          { cid: 'later', input: 0, delayMs: 5_000 },
          { cid: 'gpu', input: 0, tags: ['gpu'] },
        ],
      });
      const waiting = await queue.nextReady();
      expect(waiting).toMatchObject({
        ready: false,
        nextRunAt: clock.now() + 5_000,
        nextLeaseExpiry: null,
      });
      expect(waiting.idle?.until).toBe(counts ? clock.now() + 5_000 : undefined);
      const ready = await queue.nextReady(['gpu', 'cpu']);
      expect(ready.ready).toBe(true);
      expect(ready.idle).toBeUndefined();
      const [gpu] = await queue.claim({ workerId: 'w', tags: ['gpu'], leaseMs: 2_000 });
      expect(gpu!.cid).toBe('gpu');
      expect((await queue.nextReady()).nextLeaseExpiry).toBe(clock.now() + 2_000);
      clock.advance(5_000);
      expect((await queue.nextReady()).ready).toBe(true);
    });

    it('behavior: an expired lease returns the task; only the new holder completes it, once', async () => {
      const { jobId } = await queue.submitJob({ tenant: 'acme', kind: 'tasks', tasks: tasks(1) });
      const [first] = await queue.claim({ workerId: 'crashed', leaseMs: 1_000 });
      expect(await queue.claim({ workerId: 'w2' })).toEqual([]);
      clock.advance(1_000);
      const [again] = await queue.claim({ workerId: 'w2' });
      expect(again!.id).toBe(first!.id);
      // A lost worker is not a node failure: the attempt is given back.
      expect(again!.attempt).toBe(1);
      expect(await queue.complete('crashed', first!.id, 'stale')).toBe(false);
      expect(await queue.complete('w2', again!.id, 'fresh')).toBe(true);
      expect(await queue.complete('w2', again!.id, 'twice')).toBe(false);
      const job = await queue.getJob('acme', jobId);
      expect(job.results).toEqual({ 'cid-0': 'fresh' });
      // Counted once: the refused reports count nothing into the job.
      expect(job.progress).toMatchObject({ total: 1, done: 1 });
      const events = await queue.events('acme', jobId);
      const succeeded = events.filter((e) => e.type === 'tasks.succeeded');
      expect(succeeded.map((e) => e.data)).toEqual([
        {
          worker: 'w2',
          count: 1,
          tasks: [{ id: again!.id, cid: 'cid-0', node: null, epoch: null, attempt: 1 }],
        },
      ]);
      expect(events.find((e) => e.type === 'task.queued')!.data.error).toMatchObject({
        name: 'LeaseExpiredError',
      });
    });

    it('behavior: reapExpiredLeases returns expired tasks without a claim', async () => {
      await queue.submitJob({ tenant: 'acme', kind: 'tasks', tasks: tasks(2) });
      await queue.claim({ workerId: 'w', max: 2, leaseMs: 1_000 });
      expect(await queue.reapExpiredLeases()).toBe(0);
      clock.advance(1_000);
      expect(await queue.reapExpiredLeases()).toBe(2);
      expect((await queue.stats()).tasks.queued.NORMAL).toBe(2);
    });

    it('behavior: heartbeats extend leases; a lost lease is reported', async () => {
      await queue.submitJob({ tenant: 'acme', kind: 'tasks', tasks: tasks(2) });
      const [a, b] = await queue.claim({ workerId: 'w', max: 2, leaseMs: 1_000 });
      clock.advance(800);
      expect(await queue.heartbeat('w', [a!.id])).toEqual({ cancelled: [], lost: [] });
      clock.advance(800);
      // b expired and another worker took it; a was extended.
      expect((await queue.claim({ workerId: 'other', max: 2 })).map((t) => t.id)).toEqual([b!.id]);
      expect(await queue.heartbeat('w', [a!.id, b!.id])).toEqual({ cancelled: [], lost: [b!.id] });
      expect(await queue.complete('w', a!.id, 1)).toBe(true);
    });

    it('behavior: a failing task is retried with exponential backoff, then dead-lettered with its failure', async () => {
      const { jobId } = await queue.submitJob({ tenant: 'acme', kind: 'tasks', tasks: tasks(1) });
      const delays: number[] = [];
      for (let attempt = 1; attempt <= 3; attempt++) {
        const [task] = await queue.claim({ workerId: 'w' });
        expect(task!.attempt).toBe(attempt);
        const failed = await queue.fail('w', task!.id, new Error(`boom ${attempt}`));
        if (attempt < 3) {
          expect(failed.state).toBe('queued');
          delays.push(failed.retryAt! - clock.now());
          expect(await queue.claim({ workerId: 'w' })).toEqual([]);
          clock.advance(failed.retryAt! - clock.now());
        } else {
          expect(failed).toEqual({ accepted: true, state: 'dead', retryAt: null });
        }
      }
      expect(delays).toEqual([1_000, 2_000]);
      const job = await queue.getJob('acme', jobId);
      expect(job.state).toBe('failed');
      expect(job.progress).toEqual({ total: 1, done: 0, failed: 1, cancelled: 0 });
      expect(job.failures).toEqual({ 'cid-0': { name: 'Error', message: 'boom 3' } });
      expect(await queue.claim({ workerId: 'w' })).toEqual([]);
    });

    it('behavior: backoff jitter shortens the delay by up to half, and it is capped', async () => {
      await queue.submitJob({
        tenant: 'acme',
        kind: 'tasks',
        tasks: [{ cid: 'x', maxAttempts: 20 }],
      });
      jitter = 0.5;
      let [task] = await queue.claim({ workerId: 'w' });
      let failed = await queue.fail('w', task!.id, new RetryableTaskError('flaky'));
      expect(failed.retryAt! - clock.now()).toBe(750);
      jitter = 0;
      for (let i = 0; i < 10; i++) {
        clock.advance(failed.retryAt! - clock.now());
        [task] = await queue.claim({ workerId: 'w' });
        failed = await queue.fail('w', task!.id, new RetryableTaskError('flaky'));
      }
      expect(failed.retryAt! - clock.now()).toBe(60_000);
    });

    it('behavior: an UnrecoverableTaskError dead-letters at once, keeping name and details', async () => {
      const { jobId } = await queue.submitJob({ tenant: 'acme', kind: 'tasks', tasks: tasks(1) });
      const [task] = await queue.claim({ workerId: 'w' });
      const failed = await queue.fail(
        'w',
        task!.id,
        new UnrecoverableTaskError('bad input', { details: 'field x is missing' }),
      );
      expect(failed.state).toBe('dead');
      expect((await queue.getJob('acme', jobId)).failures['cid-0']).toEqual({
        name: 'UnrecoverableTaskError',
        message: 'bad input',
        details: 'field x is missing',
      });
    });

    it('behavior: a lost worker is a retry, not a node failure, until the task has lost five', async () => {
      const { jobId } = await queue.submitJob({
        tenant: 'acme',
        kind: 'tasks',
        tasks: [{ cid: 'x', maxAttempts: 1 }],
      });
      // One attempt allowed, yet each expiry returns the task to the queue...
      for (let lost = 1; lost < 5; lost++) {
        const [task] = await queue.claim({ workerId: `w${lost}`, leaseMs: 1_000 });
        expect(task).toMatchObject({ cid: 'x', attempt: 1 });
        clock.advance(1_000);
      }
      await queue.claim({ workerId: 'w5', leaseMs: 1_000 });
      clock.advance(1_000);
      // ... until the fifth: a task that keeps killing its workers stops there.
      expect(await queue.claim({ workerId: 'w6' })).toEqual([]);
      const job = await queue.getJob('acme', jobId);
      expect(job.state).toBe('failed');
      expect(job.failures.x).toMatchObject({
        name: 'LeaseExpiredError',
        message: expect.stringContaining('5 of 5 expiries'),
      });
    });

    it("behavior: a job's retry policy sets its tasks' attempts and backoff", async () => {
      const { jobId } = await queue.submitJob({
        tenant: 'acme',
        kind: 'tasks',
        tasks: [{ cid: 'x' }],
        retry: { attempts: 2, backoffMs: 5_000, backoffMaxMs: 5_000 },
      });
      const [first] = await queue.claim({ workerId: 'w' });
      expect(first!.maxAttempts).toBe(2);
      const failed = await queue.fail('w', first!.id, new Error('flaky'));
      // Jitter takes off at most half of the job's fixed 5 s delay.
      expect(failed.state).toBe('queued');
      expect(failed.retryAt! - clock.now()).toBeGreaterThanOrEqual(2_500);
      expect(failed.retryAt! - clock.now()).toBeLessThanOrEqual(5_000);
      clock.advance(5_000);
      const [second] = await queue.claim({ workerId: 'w' });
      expect(second!.attempt).toBe(2);
      expect((await queue.fail('w', second!.id, new Error('flaky'))).state).toBe('dead');
      expect((await queue.getJob('acme', jobId)).state).toBe('failed');
    });

    it('behavior: the dead-letter list, and retrying a failed job queues its dead tasks again', async () => {
      const { jobId } = await queue.submitJob({
        tenant: 'acme',
        kind: 'tasks',
        tasks: [
          { cid: 'ok', input: 1 },
          { cid: 'bad', nodeId: 'parse', epoch: '3', input: 2, maxAttempts: 1 },
        ],
      });
      const claimed = await queue.claim({ workerId: 'w', max: 2 });
      const bad = claimed.find((t) => t.cid === 'bad')!;
      await queue.complete('w', claimed.find((t) => t.cid === 'ok')!.id, 'fine');
      await queue.fail('w', bad.id, new Error('no such file'));
      expect((await queue.getJob('acme', jobId)).state).toBe('failed');
      expect(await queue.deadLetters('acme')).toEqual([
        {
          taskId: bad.id,
          jobId,
          cid: 'bad',
          nodeId: 'parse',
          epoch: '3',
          attempts: 1,
          error: { name: 'Error', message: 'no such file' },
          failedAt: clock.now(),
        },
      ]);
      expect(await queue.deadLetters('other-tenant')).toEqual([]);
      expect(await queue.retryJob('acme', jobId)).toBe(1);
      expect(await queue.deadLetters('acme')).toEqual([]);
      const [again] = await queue.claim({ workerId: 'w' });
      expect(again).toMatchObject({ cid: 'bad', attempt: 1 });
      await queue.complete('w', again!.id, 'fixed');
      const job = await queue.getJob('acme', jobId);
      expect(job).toMatchObject({ state: 'succeeded', results: { ok: 'fine', bad: 'fixed' } });
      expect(job.progress).toEqual({ total: 2, done: 2, failed: 0, cancelled: 0 });
      await expect(queue.retryJob('acme', jobId)).rejects.toMatchObject({
        name: 'JobFinishedError',
        state: 'succeeded',
      });
      await expect(queue.retryJob('other-tenant', jobId)).rejects.toMatchObject({
        name: 'JobNotFoundError',
      });
    });

    it('behavior: events name each task’s node and epoch: claims, completions, retries and dead letters', async () => {
      const { jobId } = await queue.submitJob({
        tenant: 'acme',
        kind: 'tasks',
        tasks: [
          { cid: 'a', nodeId: 'add', epoch: '3', maxAttempts: 2 },
          { cid: 'b', nodeId: 'split', epoch: '1/(m,0)' },
        ],
      });
      const claimed = await queue.claim({ workerId: 'w', max: 2 });
      const a = claimed.find((task) => task.cid === 'a')!;
      const b = claimed.find((task) => task.cid === 'b')!;
      await queue.complete('w', b.id, 1);
      await queue.fail('w', a.id, new Error('once'));
      const events = await queue.events('acme', jobId);
      const named = (type: string) => events.find((event) => event.type === type)!;
      const leased = named('tasks.leased').data.tasks as { cid: string }[];
      expect([...leased].sort((x, y) => x.cid.localeCompare(y.cid))).toEqual([
        expect.objectContaining({ cid: 'a', node: 'add', epoch: '3' }),
        expect.objectContaining({ cid: 'b', node: 'split', epoch: '1/(m,0)' }),
      ]);
      expect(named('tasks.succeeded').data.tasks).toEqual([
        expect.objectContaining({ cid: 'b', node: 'split', epoch: '1/(m,0)' }),
      ]);
      expect(named('task.queued')).toMatchObject({ cid: 'a', data: { node: 'add', epoch: '3' } });
    });

    it('behavior: an UnrecoverableError dead-letters at once, whatever attempts remain', async () => {
      await queue.submitJob({ tenant: 'acme', kind: 'tasks', tasks: [{ cid: 'x' }] });
      const [task] = await queue.claim({ workerId: 'w' });
      expect(task!.maxAttempts).toBe(3);
      const thrown = new UnrecoverableError('bad input');
      expect((await queue.fail('w', task!.id, thrown)).state).toBe('dead');
    });

    it('error: a job over the per-job task limit, or a task input over the size limit', async () => {
      const small = new Queue(queue.driver, { maxTasksPerJob: 3, maxInputBytes: 100, clock });
      await expect(
        small.submitJob({ tenant: 'acme', kind: 'tasks', tasks: tasks(4) }),
      ).rejects.toMatchObject({ name: 'TooManyTasksError', limit: 3 });
      const { jobId } = await small.submitJob({ tenant: 'acme', kind: 'tasks', open: true });
      expect(await small.addTasks('acme', jobId, tasks(2))).toBe(2);
      await expect(small.addTasks('acme', jobId, tasks(3, 'more'))).rejects.toMatchObject({
        name: 'TooManyTasksError',
      });
      // The job took tasks up to the limit, and nothing more after it.
      expect((await small.getJob('acme', jobId)).progress.total).toBe(3);
      await expect(small.addTasks('acme', jobId, tasks(1, 'last'))).rejects.toThrow(/more than 3/);
      expect((await small.getJob('acme', jobId)).progress.total).toBe(3);
      await expect(
        small.addTasks('acme', jobId, [{ cid: 'big', nodeId: 'resize', input: 'x'.repeat(200) }]),
      ).rejects.toMatchObject({
        name: 'TaskTooLargeError',
        nodeId: 'resize',
        message: expect.stringMatching(/input of node resize is 202 bytes, over the limit of 100/),
      });
    });

    it('behavior: cancelling a job cancels its queued tasks at once', async () => {
      const { jobId } = await queue.submitJob({ tenant: 'acme', kind: 'tasks', tasks: tasks(5) });
      expect(await queue.cancelJob('acme', jobId)).toEqual({ queued: 5, running: 0 });
      expect(await queue.claim({ workerId: 'w', max: 10 })).toEqual([]);
      const job = await queue.getJob('acme', jobId);
      expect(job.state).toBe('cancelled');
      expect(job.progress.cancelled).toBe(5);
      expect(await queue.cancelJob('acme', jobId)).toEqual({ queued: 0, running: 0 });
    });

    it('behavior: a running task of a cancelled job: its holder learns it at the next heartbeat', async () => {
      const { jobId } = await queue.submitJob({ tenant: 'acme', kind: 'tasks', tasks: tasks(3) });
      const [a, b] = await queue.claim({ workerId: 'w', max: 2 });
      expect(await queue.cancelJob('acme', jobId)).toEqual({ queued: 1, running: 2 });
      expect(await queue.heartbeat('w', [a!.id])).toEqual({ cancelled: [a!.id], lost: [] });
      // b's holder finishes without a heartbeat: the result is not accepted.
      expect(await queue.complete('w', b!.id, 'late')).toBe(false);
      const job = await queue.getJob('acme', jobId);
      expect(job.state).toBe('cancelled');
      expect(job.progress).toEqual({ total: 3, done: 0, failed: 0, cancelled: 3 });
      expect(job.results).toEqual({});
    });

    it('behavior: a cancelled running task whose holder died ends cancelled, not requeued', async () => {
      const { jobId } = await queue.submitJob({ tenant: 'acme', kind: 'tasks', tasks: tasks(1) });
      await queue.claim({ workerId: 'w', leaseMs: 1_000 });
      await queue.cancelJob('acme', jobId);
      clock.advance(1_000);
      expect(await queue.claim({ workerId: 'w2' })).toEqual([]);
      expect((await queue.getJob('acme', jobId)).progress.cancelled).toBe(1);
    });

    it('behavior: the same idempotency key returns the same job', async () => {
      const spec = {
        tenant: 'acme',
        kind: 'tasks' as const,
        payload: { a: 1, b: [1, 2] },
        tasks: tasks(2),
        idempotencyKey: 'order-42',
      };
      const first = await queue.submitJob(spec);
      const again = await queue.submitJob({ ...spec, payload: { b: [1, 2], a: 1 } });
      expect(again).toEqual({ jobId: first.jobId, created: false });
      expect((await queue.getJob('acme', first.jobId)).progress.total).toBe(2);
      // Keys are per tenant.
      expect((await queue.submitJob({ ...spec, tenant: 'other' })).created).toBe(true);
    });

    it('error: the same idempotency key with another payload is a conflict', async () => {
      const spec = { tenant: 'acme', kind: 'tasks' as const, tasks: tasks(2), idempotencyKey: 'k' };
      const { jobId } = await queue.submitJob(spec);
      const error = await queue.submitJob({ ...spec, tasks: tasks(3) }).catch((e: unknown) => e);
      expect(error).toMatchObject({ name: 'IdempotencyConflictError', jobId });
      expect((await queue.getJob('acme', jobId)).progress.total).toBe(2);
    });

    it('behavior: events are ordered, per job, and resume after an id', async () => {
      const { jobId } = await queue.submitJob({ tenant: 'acme', kind: 'tasks', tasks: tasks(2) });
      const other = await queue.submitJob({ tenant: 'acme', kind: 'tasks', tasks: tasks(1, 'x') });
      for (const t of await queue.claim({ workerId: 'w', max: 3 }))
        await queue.complete('w', t.id, 1);
      const events = await queue.events('acme', jobId);
      expect(events.map((e) => e.type)).toEqual([
        'job.queued',
        'job.running',
        'tasks.leased',
        'tasks.succeeded',
        'tasks.succeeded',
        'job.succeeded',
      ]);
      // One claim of this job's two tasks: one event listing both.
      expect(events[2]!.data).toMatchObject({ worker: 'w', count: 2 });
      expect((events[2]!.data.tasks as { cid: string }[]).map((t) => t.cid).sort()).toEqual([
        'cid-0',
        'cid-1',
      ]);
      expect(events.every((e) => e.jobId === jobId)).toBe(true);
      const ids = events.map((e) => e.id);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      expect(await queue.events('acme', jobId, { afterId: ids[2]! })).toEqual(events.slice(3));
      expect(await queue.events('acme', jobId, { afterId: ids[2]!, limit: 1 })).toEqual(
        events.slice(3, 4),
      );
      expect((await queue.events('acme', other.jobId)).at(-1)!.type).toBe('job.succeeded');
      expect(await queue.events('someone-else', jobId)).toEqual([]);
    });

    it('behavior: an open job takes more tasks and finishes only once sealed', async () => {
      const { jobId } = await queue.submitJob({
        tenant: 'acme',
        kind: 'tube',
        payload: { tube: 'bafy…', inputs: {}, epochs: 2 },
        tasks: tasks(1, 'e0-'),
        open: true,
      });
      for (const t of await queue.claim({ workerId: 'w' })) await queue.complete('w', t.id, 0);
      expect((await queue.getJob('acme', jobId)).state).toBe('running');
      expect(await queue.addTasks('acme', jobId, [...tasks(2, 'e1-'), ...tasks(1, 'e0-')])).toBe(2);
      for (const t of await queue.claim({ workerId: 'w', max: 5 }))
        await queue.complete('w', t.id, 1);
      expect((await queue.getJob('acme', jobId)).state).toBe('running');
      await queue.sealJob('acme', jobId);
      const job = await queue.getJob('acme', jobId);
      expect(job.state).toBe('succeeded');
      expect(job.payload).toEqual({ tube: 'bafy…', inputs: {}, epochs: 2 });
      expect(Object.keys(job.results).sort()).toEqual(['e0-0', 'e1-0', 'e1-1']);
      const error = await queue.addTasks('acme', jobId, tasks(1, 'e2-')).catch((e: unknown) => e);
      expect(error).toMatchObject({ name: 'JobFinishedError', state: 'succeeded' });
    });

    it('behavior: a job with no tasks succeeds at once', async () => {
      const { jobId } = await queue.submitJob({ tenant: 'acme', kind: 'tasks' });
      expect((await queue.getJob('acme', jobId)).state).toBe('succeeded');
    });

    it('behavior: stats count tasks by state and priority; workers are listed with their leases', async () => {
      await queue.registerWorker('idle', ['cpu']);
      await queue.submitJob({
        tenant: 'acme',
        kind: 'tasks',
        tasks: [...tasks(3), { cid: 'h', priority: 'HIGH' }],
      });
      clock.advance(10);
      await queue.claim({ workerId: 'busy', tags: ['gpu'], max: 2 });
      const stats = await queue.stats();
      expect(stats.tasks.leased).toEqual({ CRITICAL: 0, HIGH: 1, NORMAL: 1, LOW: 0 });
      expect(stats.tasks.queued.NORMAL).toBe(2);
      expect(stats.jobs.running).toBe(1);
      const workers = await queue.listWorkers();
      expect(workers.map((w) => [w.id, w.tags, w.leased])).toEqual([
        ['busy', ['gpu'], 2],
        ['idle', ['cpu'], 0],
      ]);
      expect(workers[0]!.lastSeenAt).toBe(clock.now());
    });

    it('error: a job of another tenant, or an unknown one, is not found', async () => {
      const { jobId } = await queue.submitJob({ tenant: 'acme', kind: 'tasks', tasks: tasks(1) });
      for (const call of [
        () => queue.getJob('evil', jobId),
        () => queue.getJob('acme', 'nope'),
        () => queue.cancelJob('evil', jobId),
        () => queue.sealJob('acme', 'nope'),
      ]) {
        expect(await call().catch((e: unknown) => e)).toMatchObject({ name: 'JobNotFoundError' });
      }
      expect((await queue.getJob('acme', jobId)).state).toBe('queued');
    });

    it('error: a finished job cannot be cancelled', async () => {
      const { jobId } = await queue.submitJob({ tenant: 'acme', kind: 'tasks', tasks: tasks(1) });
      const [t] = await queue.claim({ workerId: 'w' });
      await queue.complete('w', t!.id, 1);
      const error = await queue.cancelJob('acme', jobId).catch((e: unknown) => e);
      expect(error).toMatchObject({ name: 'JobFinishedError', state: 'succeeded' });
    });

    it('error: reports from a worker that does not hold the lease are not recorded', async () => {
      await queue.submitJob({ tenant: 'acme', kind: 'tasks', tasks: tasks(1) });
      const [t] = await queue.claim({ workerId: 'w' });
      expect(await queue.complete('intruder', t!.id, 'x')).toBe(false);
      expect(await queue.fail('intruder', t!.id, new Error('x'))).toEqual({
        accepted: false,
        state: null,
        retryAt: null,
      });
      expect(await queue.heartbeat('intruder', [t!.id])).toEqual({ cancelled: [], lost: [t!.id] });
      expect(await queue.complete('w', t!.id, 'ok')).toBe(true);
    });

    it('error: invalid submissions and claims are rejected with a named error', async () => {
      const bad = [
        () => queue.submitJob({ tenant: '', kind: 'tasks' }),
        () => queue.submitJob({ tenant: 'a', kind: 'nope' as 'tasks' }),
        () => queue.submitJob({ tenant: 'a', kind: 'tasks', tasks: [{ cid: '' }] }),
        () => queue.submitJob({ tenant: 'a', kind: 'tasks', priority: 'URGENT' as 'HIGH' }),
        () => queue.submitJob({ tenant: 'a', kind: 'tasks', tasks: [{ cid: 'x', delayMs: -1 }] }),
        () => queue.claim({ workerId: 'w', max: 0 }),
      ];
      for (const call of bad) {
        expect(await call().catch((e: unknown) => e)).toMatchObject({
          name: 'InvalidSubmissionError',
        });
      }
      expect((await queue.stats()).jobs).toEqual({
        queued: 0,
        running: 0,
        succeeded: 0,
        failed: 0,
        cancelled: 0,
      });
    });
  });
}
