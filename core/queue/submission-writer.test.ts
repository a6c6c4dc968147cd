import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SqlValue } from './backend.ts';
import { systemClock } from './clock.ts';
import { resolveOptions } from './context.ts';
import { openDriver } from './open.ts';
import { SubmissionWriter } from './submission-writer.ts';
import { prepareSubmission } from './submit.ts';
import type { JobSpec } from './types.ts';
import { type Cleanups, openWriterQueue } from './writer-queue.fixture.ts';

/**
 * Submissions committed on the writer thread's own connection: each acknowledged only
 * once durable, grouped, and each with the outcome it would have alone.
 */

const cleanups: Cleanups = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const setUp = () => openWriterQueue('noob-writer-', cleanups);

const job = (i: number, extra: Partial<JobSpec> = {}): JobSpec => ({
  tenant: 'acme',
  kind: 'tasks',
  payload: { i },
  tasks: [{ cid: `cid-${i}`, input: { i } }],
  ...extra,
});

describe('SubmissionWriter', () => {
  it('behavior: concurrent submissions are all acknowledged, stored, and share commits', async () => {
    const { queue } = await setUp();
    const before = queue.driver.commitCounts!()!.own;
    const results = await Promise.all(
      Array.from({ length: 64 }, (_, i) => queue.submitJob(job(i))),
    );
    expect(new Set(results.map((r) => r.jobId)).size).toBe(64);
    expect(results.every((r) => r.created)).toBe(true);
    for (const { jobId } of results) {
      const view = await queue.getJob('acme', jobId);
      expect(view.progress.total).toBe(1);
    }
    // The thread's commits count as this connection's own, and 64 submissions took fewer.
    const commits = queue.driver.commitCounts!()!.own - before;
    expect(commits).toBeGreaterThan(0);
    expect(commits).toBeLessThan(64);
  });

  it('behavior: one idempotency key twice in one group gives the first job; other content is a conflict', async () => {
    const { queue } = await setUp();
    const [first, again, other] = await Promise.allSettled([
      queue.submitJob(job(1, { idempotencyKey: 'k' })),
      queue.submitJob(job(1, { idempotencyKey: 'k' })),
      queue.submitJob(job(2, { idempotencyKey: 'k' })),
    ]);
    expect(first.status === 'fulfilled' && first.value.created).toBe(true);
    const firstId = first.status === 'fulfilled' ? first.value.jobId : '';
    expect(again.status === 'fulfilled' && again.value).toEqual({ jobId: firstId, created: false });
    expect(other.status).toBe('rejected');
    const error = (other as PromiseRejectedResult).reason as Error & { jobId: string };
    expect(error.name).toBe('IdempotencyConflictError');
    expect(error.jobId).toBe(firstId);
  });

  it('error: a submission whose statement fails fails alone; the rest of its group is stored', async () => {
    const { queue, writer } = await setUp();
    const ctx = resolveOptions(queue.driver, {}, systemClock);
    const good = [0, 1, 2].map((i) => prepareSubmission(ctx, job(i)));
    const bad = prepareSubmission(ctx, job(3));
    // Its job row without a tenant (the row's second value): NOT NULL refuses it.
    const [insert, ...rest] = bad.statements;
    const params = (insert!.params as SqlValue[]).map((value, i) => (i === 1 ? null : value));
    const broken = { ...bad, statements: [{ ...insert!, params }, ...rest] };
    const settled = await Promise.allSettled([
      writer.submit(good[0]!),
      writer.submit(broken),
      writer.submit(good[1]!),
      writer.submit(good[2]!),
    ]);
    expect(settled.map((s) => s.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
    ]);
    for (const submission of good) {
      expect((await queue.getJob('acme', submission.jobId)).progress.total).toBe(1);
    }
    await expect(queue.getJob('acme', bad.jobId)).rejects.toMatchObject({
      name: 'JobNotFoundError',
    });
  });

  it("behavior: the thread's commits are not another connection's; another process's still are", async () => {
    const { queue, path } = await setUp();
    const counts = () => queue.driver.commitCounts!()!;
    const before = counts().others;
    await Promise.all([1, 2, 3].map((i) => queue.submitJob(job(i))));
    expect(counts().others).toBe(before);
    const other = await openDriver(path);
    cleanups.push(() => other.close());
    await other.execute({
      sql: "UPDATE jobs SET priority = priority + 1 WHERE tenant = 'acme'",
      params: {},
    });
    expect(counts().others).not.toBe(before);
  });

  it('error: a thread that ends fails what it had not answered; the next submission starts another', async () => {
    const { queue, path } = await setUp();
    const threadUrl = new URL('./submission-writer-crash.fixture.ts', import.meta.url);
    const crashing = await SubmissionWriter.start(path, queue.driver, { threadUrl });
    cleanups.push(() => crashing.close());
    queue.commitSubmissionsWith(crashing);
    const lost = await Promise.allSettled([1, 2, 3].map((i) => queue.submitJob(job(i))));
    for (const outcome of lost) {
      expect(outcome).toMatchObject({
        status: 'rejected',
        reason: { name: 'SubmissionWriterError' },
      });
      expect(String((outcome as PromiseRejectedResult).reason.message)).toMatch(
        /ended \(exit code 3\) before job .* was acknowledged/,
      );
    }
    // The next thread is the real one.
    const { jobId } = await queue.submitJob(job(4));
    expect((await queue.getJob('acme', jobId)).progress.total).toBe(1);
  });

  it('error: a writer whose file is not a database fails to start, saying so', async () => {
    const { queue, path } = await setUp();
    const notDatabase = join(path, '..', 'notes.txt');
    writeFileSync(notDatabase, 'not a database, only text '.repeat(200));
    await expect(SubmissionWriter.start(notDatabase, queue.driver)).rejects.toThrow(
      /not a database/,
    );
  });

  it('behavior: close commits what was submitted, and later submissions are refused', async () => {
    const { queue, writer } = await setUp();
    const pending = queue.submitJob(job(7));
    await writer.close();
    const { jobId } = await pending;
    expect((await queue.getJob('acme', jobId)).progress.total).toBe(1);
    await expect(queue.submitJob(job(8))).rejects.toMatchObject({ name: 'SubmissionWriterError' });
  });
});
