import { afterEach, describe, expect, it } from 'vitest';
import { type Cleanups, openWriterQueue } from '../../core/queue/writer-queue.fixture.ts';
import { OpenJobsQuota } from './open-jobs.ts';

/**
 * The open-jobs quota while submissions are on their way to the writer thread (as under
 * `noob serve`): admitted but not committed yet, they are not in a count of the database,
 * and must not be forgotten by one.
 */

const cleanups: Cleanups = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('OpenJobsQuota with submissions in flight', () => {
  it('error: a recount made before the admitted jobs are committed still counts them', async () => {
    const { queue } = await openWriterQueue('noob-quota-flight-', cleanups);
    const quota = new OpenJobsQuota(queue);

    const submitted: Promise<unknown>[] = [];
    for (let i = 0; i < 3; i++) {
      expect(await quota.admit('acme', 3)).toBe(true);
      // As the API does: submit once admitted, answered once the thread committed it.
      const submit = queue.submitJob({
        tenant: 'acme',
        kind: 'tube',
        payload: { tube: 'noob_id: t', inputs: {}, epochs: 1 },
        open: true,
      });
      submitted.push(submit.finally(() => quota.settled('acme')));
    }
    // The three are admitted and on their way: a fourth is refused, however the count goes.
    expect(await quota.admit('acme', 3)).toBe(false);
    await Promise.all(submitted);
    expect(await queue.openJobCount('acme')).toBe(3);
    expect(await quota.admit('acme', 3)).toBe(false);
  });
});
