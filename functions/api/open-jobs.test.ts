import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openQueue } from '../../core/queue/open.ts';
import type { Queue } from '../../core/queue/queue.ts';
import { OpenJobsQuota } from './open-jobs.ts';

const root = mkdtempSync(join(tmpdir(), 'noob-open-jobs-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let queue: Queue;
let n = 0;
beforeEach(async () => {
  queue = await openQueue(join(root, `q${n++}.db`));
});
afterEach(() => queue.close());

/** Open tube jobs for `tenant`, submitted straight to the queue. */
async function submit(tenant: string, count: number): Promise<string[]> {
  const submitted = await Promise.all(
    Array.from({ length: count }, () =>
      queue.submitJob({
        tenant,
        kind: 'tube',
        payload: { tube: 'noob_id: t', inputs: {}, epochs: 1 },
        open: true,
      }),
    ),
  );
  return submitted.map((s) => s.jobId);
}

describe('OpenJobsQuota', () => {
  it('default: a tenant is admitted up to its limit, then refused; another tenant is not', async () => {
    const quota = new OpenJobsQuota(queue);
    await submit('acme', 3);
    const admitted = [];
    for (let i = 0; i < 3; i++) {
      const ok = await quota.admit('acme', 5);
      admitted.push(ok);
      if (ok) await submit('acme', 1);
    }
    expect(admitted).toEqual([true, true, false]);
    expect(await quota.admit('globex', 5)).toBe(true);
  });

  it('behavior: submissions admitted back to back are counted without counting the jobs again', async () => {
    const quota = new OpenJobsQuota(queue);
    await submit('acme', 50);
    const counts = vi.spyOn(queue, 'openJobCount');
    // Within the freshness window each admission adds one to the count it began from.
    const admitted = await Promise.all(
      Array.from({ length: 10 }, () => quota.admit('acme', 1_000)),
    );
    expect(admitted.every(Boolean)).toBe(true);
    expect(counts.mock.calls.length).toBeLessThan(10);
  });

  it('behavior: a refusal comes from a count made for it: jobs that finished free their place at once', async () => {
    const quota = new OpenJobsQuota(queue);
    const ids = await submit('acme', 2);
    expect(await quota.admit('acme', 2)).toBe(false);
    await queue.cancelJob('acme', ids[0]!);
    expect(await quota.admit('acme', 2)).toBe(true);
    // Its submission settled without a job (as a failed one does: see settled).
    quota.settled('acme');
    // Counted as open now, though never submitted: the estimate errs high, then counts.
    expect(await quota.admit('acme', 2)).toBe(true);
  });

  it('error: a count that fails fails the submission with the queue’s error', async () => {
    const quota = new OpenJobsQuota(queue);
    const closed = await openQueue(join(root, `q${n++}.db`));
    await closed.close();
    await expect(new OpenJobsQuota(closed).admit('acme', 5)).rejects.toThrow(/closed/);
    expect(await quota.admit('acme', 5)).toBe(true);
  });
});
