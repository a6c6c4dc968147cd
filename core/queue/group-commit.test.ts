import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Sqld, startSqld } from '../../test/queue/sqld.ts';
import type { BatchMode, QueueDriver, SqlParams, SqlStatement, SqlValue } from './backend.ts';
import { systemClock } from './clock.ts';
import { resolveOptions } from './context.ts';
import { GroupCommit } from './group-commit.ts';
import { openDriver } from './open.ts';
import { Queue } from './queue.ts';
import { prepareSubmission } from './submit.ts';
import type { JobSpec } from './types.ts';

/**
 * Group commit of submissions, on both drivers: concurrent `submitJob` calls share
 * transactions, and each still gets the outcome it would have alone.
 */

/** A driver that records its write batches and can be told to fail some. */
interface Spy {
  driver: QueueDriver;
  /** Write batches that reached the database, by how many submissions each holds. */
  writes: number[];
  /** Throw instead of running a write batch for which this says true. */
  failBefore?: (statements: SqlStatement[]) => boolean;
  /** Run a write batch, then throw as if its answer was lost, when this says true. */
  failAfter?: (statements: SqlStatement[]) => boolean;
}

// A job insert statement: one per submission, whether or not its idempotency key lets it
// insert, except that jobs holding nothing else share one (see groupStatements).
const isJobInsert = (s: SqlStatement) => /^INSERT INTO jobs/.test(s.sql);

function spy(inner: QueueDriver): Spy {
  const spied: Spy = {
    writes: [],
    driver: {
      kind: inner.kind,
      execute: (statement) => inner.execute(statement),
      transaction: (body) => inner.transaction(body),
      close: () => inner.close(),
      async batch(statements: SqlStatement[], mode?: BatchMode, onCommitted?) {
        if (mode === 'read') return inner.batch(statements, mode, onCommitted);
        if (spied.failBefore?.(statements)) throw new Error('statement failed (injected)');
        const results = await inner.batch(statements, mode);
        spied.writes.push(statements.filter(isJobInsert).length);
        // As a remote server whose answer is lost: committed, and nobody is told.
        if (spied.failAfter?.(statements)) throw new Error('connection lost (injected)');
        onCommitted?.(results);
        return results;
      },
    },
  };
  return spied;
}

/** A tube run as the API submits it: a job row and nothing else (its tasks come later). */
const tubeRun = (tenant: string, i: number): JobSpec => ({
  tenant,
  kind: 'tube',
  payload: { i },
  open: true,
});

const job = (tenant: string, i: number, extra: Partial<JobSpec> = {}): JobSpec => ({
  tenant,
  kind: 'tasks',
  payload: { i },
  tasks: [{ cid: `c${i}`, input: i }],
  ...extra,
});

/** The tenant's job ids in the order the database stored them. */
async function storedJobIds(driver: QueueDriver, tenant: string): Promise<string[]> {
  const { rows } = await driver.execute({
    sql: 'SELECT id FROM jobs WHERE tenant = :tenant ORDER BY rowid',
    params: { tenant },
  });
  return rows.map((row) => String(row.id));
}

function describeGroupCommit(name: string, open: () => Promise<QueueDriver>): void {
  describe(`group commit: ${name}`, () => {
    let queue: Queue;
    let s: Spy;
    let tenant: string;
    let n = 0;

    const start = async () => {
      s = spy(await open());
      queue = new Queue(s.driver);
      tenant = `t${n++}-${Date.now()}`;
    };
    afterEach(async () => {
      await queue?.close();
    });

    it('default: 50 concurrent submissions share commits, each its own job, in order', async () => {
      await start();
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) => queue.submitJob(job(tenant, i))),
      );
      expect(results.every((r) => r.created)).toBe(true);
      const ids = results.map((r) => r.jobId);
      expect(new Set(ids).size).toBe(50);
      expect(s.writes.reduce((a, b) => a + b, 0)).toBe(50);
      expect(s.writes.length).toBeLessThan(50);
      for (const [i, id] of ids.entries()) {
        const view = await queue.getJob(tenant, id);
        expect(view.payload).toEqual({ i });
        expect(view.progress.total).toBe(1);
      }
      expect(await storedJobIds(s.driver, tenant)).toEqual(ids);
    });

    it('behavior: close() first commits the submissions still waiting for their group', async () => {
      await start();
      const pending = Array.from({ length: 5 }, (_, i) => queue.submitJob(job(tenant, i)));
      await queue.close();
      const results = await Promise.all(pending);
      expect(results.every((r) => r.created)).toBe(true);
      expect(s.writes.reduce((a, b) => a + b, 0)).toBe(5);
      s = spy(await open());
      queue = new Queue(s.driver);
    });

    it('behavior: a lone submission commits alone, as without grouping', async () => {
      await start();
      const { created } = await queue.submitJob(job(tenant, 0));
      expect(created).toBe(true);
      expect(s.writes).toEqual([1]);
    });

    it('behavior: concurrent submissions with one idempotency key make one job', async () => {
      await start();
      const results = await Promise.all(
        Array.from({ length: 10 }, () => queue.submitJob(job(tenant, 7, { idempotencyKey: 'k' }))),
      );
      expect(results[0]!.created).toBe(true);
      expect(results.slice(1).every((r) => !r.created)).toBe(true);
      expect(new Set(results.map((r) => r.jobId))).toEqual(new Set([results[0]!.jobId]));
      expect(await storedJobIds(s.driver, tenant)).toEqual([results[0]!.jobId]);
    });

    it('error: a key reused with other content in the same group rejects that one only', async () => {
      await start();
      const outcomes = await Promise.allSettled([
        queue.submitJob(job(tenant, 1, { idempotencyKey: 'k' })),
        queue.submitJob(job(tenant, 2, { idempotencyKey: 'k' })),
        queue.submitJob(job(tenant, 3)),
        queue.submitJob(job(tenant, 1, { idempotencyKey: 'k' })),
      ]);
      expect(s.writes).toEqual([4]);
      const [first, conflict, other, same] = outcomes;
      expect(first).toMatchObject({ status: 'fulfilled', value: { created: true } });
      const firstId = (first as PromiseFulfilledResult<{ jobId: string }>).value.jobId;
      expect(conflict).toMatchObject({
        status: 'rejected',
        reason: { name: 'IdempotencyConflictError', jobId: firstId },
      });
      expect(other).toMatchObject({ status: 'fulfilled', value: { created: true } });
      expect(same).toMatchObject({
        status: 'fulfilled',
        value: { jobId: firstId, created: false },
      });
    });

    it('error: a submission without a key whose job id is taken is refused, not acknowledged as new', async () => {
      await start();
      const ctx = resolveOptions(s.driver, {}, systemClock);
      const group = new GroupCommit(s.driver);
      const first = prepareSubmission(ctx, job(tenant, 1));
      const other = prepareSubmission(ctx, job(tenant, 2));
      // The same id again (as a clash of two fresh ids would be), other content.
      const clash = { ...other, jobId: first.jobId };
      const id = (value: unknown) => (value === other.jobId ? first.jobId : value);
      clash.statements = other.statements.map((st) => ({
        ...st,
        params: Array.isArray(st.params)
          ? st.params.map(id)
          : Object.fromEntries(Object.entries(st.params).map(([k, v]) => [k, id(v)])),
      })) as typeof other.statements;
      expect(await group.submit(first)).toEqual({ jobId: first.jobId, created: true });
      await expect(group.submit(clash)).rejects.toThrow(`job ${first.jobId} was not inserted`);
      await group.flush();
      expect(await storedJobIds(s.driver, tenant)).toEqual([first.jobId]);
      expect((await queue.getJob(tenant, first.jobId)).payload).toEqual({ i: 1 });
    });

    it('behavior: jobs that hold nothing else share one insert, stored in order, each acknowledged as new', async () => {
      await start();
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => queue.submitJob(tubeRun(tenant, i))),
      );
      expect(results.every((r) => r.created)).toBe(true);
      const ids = results.map((r) => r.jobId);
      expect(new Set(ids).size).toBe(20);
      expect(await storedJobIds(s.driver, tenant)).toEqual(ids);
      for (const [i, id] of ids.entries()) {
        expect((await queue.getJob(tenant, id)).payload).toEqual({ i });
      }
      // Fewer insert statements than jobs (20 rows: one of 16 and one of 4).
      expect(s.writes.reduce((a, b) => a + b, 0)).toBeLessThan(20);
    });

    /**
     * Three tube runs committed as one group, the middle one's job row changed by `alter`:
     * the middle one's outcome, once each is settled and the neighbours checked stored.
     */
    async function middleRowAltered(alter: (row: SqlValue[]) => SqlValue[]) {
      await start();
      const ctx = resolveOptions(s.driver, {}, systemClock);
      const group = new GroupCommit(s.driver);
      const [a, bad, b] = [1, 2, 3].map((i) => prepareSubmission(ctx, tubeRun(tenant, i)));
      const [insert, ...rest] = bad!.statements;
      const params = alter(insert!.params as SqlValue[]);
      const altered = { ...bad!, statements: [{ ...insert!, params }, ...rest] };
      const outcomes = await Promise.allSettled([
        group.submit(a!),
        group.submit(altered),
        group.submit(b!),
      ]);
      expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect(await storedJobIds(s.driver, tenant)).toEqual([a!.jobId, b!.jobId]);
      return outcomes[1] as PromiseRejectedResult;
    }

    it('error: a job failing in a shared insert fails alone; its neighbours are stored', async () => {
      // Its job row without a tenant (the row's second value): NOT NULL refuses it.
      const { reason } = await middleRowAltered((row) => row.map((v, i) => (i === 1 ? null : v)));
      expect(String(reason)).toMatch(/NOT NULL/i);
    });

    it('error: a job row that does not fit the shared insert fails alone, saying why', async () => {
      const { reason } = await middleRowAltered((row) => row.slice(0, -1));
      expect(reason).toMatchObject({
        message: expect.stringContaining('takes rows of 14 values, got 13'),
      });
    });

    it('error: an invalid submission rejects alone, naming the field', async () => {
      await start();
      const outcomes = await Promise.allSettled([
        queue.submitJob(job(tenant, 1)),
        queue.submitJob(job(tenant, 2, { tasks: [{ cid: 'c', tags: ['gpu', ''] }] })),
        queue.submitJob(job(tenant, 3)),
      ]);
      expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect((outcomes[1] as PromiseRejectedResult).reason).toMatchObject({
        name: 'InvalidSubmissionError',
        message: expect.stringContaining('tasks[0]'),
      });
      expect(await storedJobIds(s.driver, tenant)).toHaveLength(2);
    });

    it('behavior: a statement failing in a group fails its own submission only', async () => {
      await start();
      const poisoned = `${tenant}-poison`;
      s.failBefore = (statements) =>
        statements.some((st) => (st.params as SqlParams).tenant === poisoned);
      const outcomes = await Promise.allSettled([
        queue.submitJob(job(tenant, 1)),
        queue.submitJob(job(poisoned, 2)),
        queue.submitJob(job(tenant, 3)),
      ]);
      expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect((outcomes[1] as PromiseRejectedResult).reason).toMatchObject({
        message: 'statement failed (injected)',
      });
      const ids = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value.jobId] : []));
      expect(await storedJobIds(s.driver, tenant)).toEqual(ids);
      expect(await storedJobIds(s.driver, poisoned)).toEqual([]);
      // The group's transaction failed; the other two were then committed one by one.
      expect(s.writes).toEqual([1, 1]);
    });

    it("behavior: an idle worker's claim in a group whose answer was lost is read back and dealt", async () => {
      await start();
      const dealt: string[][] = [];
      queue.offer({
        request: { workerId: 'idle', max: 1000 },
        deliver: (tasks) => dealt.push(tasks.map((t) => t.cid)),
      });
      let lost = false;
      s.failAfter = (statements) => {
        if (lost || !statements.some((st) => st.sql.includes("state = 'leased'"))) return false;
        lost = true;
        return true;
      };
      const { jobId, created } = await queue.submitJob(job(tenant, 7));
      expect([lost, created]).toEqual([true, true]);
      // Written once, leased to the idle worker, and the worker was told. (The remote
      // database is shared by the suite: the claim may also take older tests' tasks.)
      expect(s.writes).toEqual([1]);
      expect(dealt).toHaveLength(1);
      expect(dealt[0]).toContain('c7');
      expect((await queue.taskOutcome(tenant, jobId, 'c7'))?.state).toBe('leased');
    });

    it('behavior: a group that committed but lost its answer is read back, not written twice', async () => {
      await start();
      let lost = false;
      s.failAfter = (statements) => {
        if (lost || statements.filter(isJobInsert).length < 2) return false;
        lost = true;
        return true;
      };
      const results = await Promise.all([
        queue.submitJob(job(tenant, 1)),
        queue.submitJob(job(tenant, 2, { idempotencyKey: 'k' })),
        queue.submitJob(job(tenant, 2, { idempotencyKey: 'k' })),
      ]);
      expect(lost).toBe(true);
      expect(results.map((r) => r.created)).toEqual([true, true, false]);
      expect(results[2]!.jobId).toBe(results[1]!.jobId);
      expect(await storedJobIds(s.driver, tenant)).toEqual([results[0]!.jobId, results[1]!.jobId]);
      expect(s.writes).toEqual([3]);
    });

    it('behavior: a group holds at most maxSubmissions and maxTasks', async () => {
      await start();
      const ctx = resolveOptions(s.driver, {}, systemClock);
      const group = new GroupCommit(s.driver, { maxSubmissions: 4, maxTasks: 5 });
      const submit = (i: number, tasks = 1) =>
        group.submit(
          prepareSubmission(
            ctx,
            job(tenant, i, {
              tasks: Array.from({ length: tasks }, (_, t) => ({ cid: `c${i}-${t}` })),
            }),
          ),
        );
      // 10 small ones: groups of 4, 4, 2; then 3 + 3 tasks cannot share a group of 5.
      await Promise.all(Array.from({ length: 10 }, (_, i) => submit(i)));
      await Promise.all([submit(10, 3), submit(11, 3), submit(12, 9)]);
      expect(s.writes).toEqual([4, 4, 2, 1, 1, 1]);
    });

    it('behavior: while each turn of the event loop brings more submissions, the group waits for them', async () => {
      await start();
      const ctx = resolveOptions(s.driver, {}, systemClock);
      const burst = async (group: GroupCommit) => {
        const submit = (i: number) => group.submit(prepareSubmission(ctx, job(tenant, i)));
        const first = [submit(0), submit(1)];
        // Another request served in the next turn of the loop.
        const later = new Promise((done) => setImmediate(() => done(submit(2))));
        await Promise.all([...first, later]);
      };
      const busy = { eagerAfterIdleMs: Number.POSITIVE_INFINITY };
      await burst(new GroupCommit(s.driver, busy));
      expect(s.writes).toEqual([3]);
      await burst(new GroupCommit(s.driver, { ...busy, maxWaitTurns: 0 }));
      expect(s.writes).toEqual([3, 2, 1]);
      // At rest (nothing submitted lately) the first burst commits without waiting a turn.
      await burst(new GroupCommit(s.driver));
      expect(s.writes).toEqual([3, 2, 1, 2, 1]);
    });
  });
}

const root = mkdtempSync(join(tmpdir(), 'noob-group-commit-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let files = 0;
describeGroupCommit('embedded libSQL file', () => openDriver(join(root, `q${files++}`, 'noob.db')));

let sqld: Sqld | undefined;
beforeAll(async () => {
  sqld = await startSqld();
});
afterAll(async () => {
  await sqld?.stop();
});
describeGroupCommit('remote sqld', () => openDriver(sqld!.url));
