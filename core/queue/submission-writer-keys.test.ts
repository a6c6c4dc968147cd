import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Queue } from './queue.ts';
import type { JobSpec } from './types.ts';
import { type Cleanups, openWriterQueue } from './writer-queue.fixture.ts';

/**
 * One idempotency key submitted again while its first submission is still on its way to
 * the writer thread, in a later message (so in another group than the first): still one
 * job, the same answer to each, and a conflict for other content.
 */

const cleanups: Cleanups = [];
let queue: Queue;
beforeAll(async () => {
  ({ queue } = await openWriterQueue('noob-writer-keys-', cleanups));
});
afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const spec = (key: string, i: number): JobSpec => ({
  tenant: 'acme',
  kind: 'tasks',
  payload: { i },
  tasks: [{ cid: `cid-${key}-${i}`, input: { i } }],
  idempotencyKey: key,
});
/** Submitted `turns` turns of the event loop from now: a message of its own to the thread. */
const later = <T>(turns: number, submit: () => Promise<T>): Promise<T> =>
  turns === 0
    ? submit()
    : new Promise((done) => setImmediate(() => done(later(turns - 1, submit))));

describe('SubmissionWriter with one key across groups', () => {
  it('behavior: the same key in later groups, before the first is answered, gives the first job; other content is a conflict', async () => {
    const outcomes = await Promise.allSettled([
      queue.submitJob(spec('race', 1)),
      later(1, () => queue.submitJob(spec('race', 1))),
      later(2, () => queue.submitJob(spec('race', 2))),
      later(3, () => queue.submitJob(spec('race', 1))),
    ]);
    const [first, again, other, third] = outcomes;
    expect(first).toMatchObject({ status: 'fulfilled', value: { created: true } });
    const id = (first as PromiseFulfilledResult<{ jobId: string }>).value.jobId;
    expect(again).toEqual({ status: 'fulfilled', value: { jobId: id, created: false } });
    expect(third).toEqual({ status: 'fulfilled', value: { jobId: id, created: false } });
    expect(other).toMatchObject({
      status: 'rejected',
      reason: { name: 'IdempotencyConflictError', jobId: id },
    });
    const { rows } = await queue.driver.execute({
      sql: "SELECT id FROM jobs WHERE tenant = 'acme'",
      params: [],
    });
    expect(rows).toEqual([{ id }]);
    expect((await queue.getJob('acme', id)).progress.total).toBe(1);
  });
});
