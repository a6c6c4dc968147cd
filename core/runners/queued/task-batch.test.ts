import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { openQueue } from '../../queue/open.ts';
import type { Queue } from '../../queue/queue.ts';
import { TaskBatch } from './task-batch.ts';

const root = mkdtempSync(join(tmpdir(), 'noob-task-batch-'));
let queue: Queue;

beforeAll(async () => {
  queue = await openQueue(join(root, 'queue.db'));
});
afterEach(() => {
  vi.restoreAllMocks();
});
afterAll(async () => {
  await queue.close();
  rmSync(root, { recursive: true, force: true });
});

async function openJob(): Promise<string> {
  const { jobId } = await queue.submitJob({ tenant: 't', kind: 'tube', payload: {}, open: true });
  return jobId;
}

describe('TaskBatch', () => {
  it('behavior: calls that start together are stored in one add; those during it in the next', async () => {
    const jobId = await openJob();
    const adds = vi.spyOn(queue, 'addTasks');
    const batch = new TaskBatch(queue, 't', jobId);
    const first = Array.from({ length: 16 }, (_, i) => batch.add({ cid: `a${i}`, input: i }));
    // While the first add is on its way: these wait for it, then go together.
    await Promise.resolve();
    const second = Array.from({ length: 4 }, (_, i) => batch.add({ cid: `b${i}`, input: i }));
    await Promise.all([...first, ...second]);
    expect(adds.mock.calls.map((call) => call[2].length)).toEqual([16, 4]);
    expect((await queue.getJob('t', jobId)).progress.total).toBe(20);
  });

  it('error: a failed add rejects every call of its batch; the next batch is tried afresh', async () => {
    const jobId = await openJob();
    const batch = new TaskBatch(queue, 't', jobId);
    vi.spyOn(queue, 'addTasks').mockRejectedValueOnce(new Error('database is locked'));
    const failed = [batch.add({ cid: 'x0', input: 0 }), batch.add({ cid: 'x1', input: 1 })];
    await expect(Promise.all(failed)).rejects.toThrow('database is locked');
    await expect(failed[1]).rejects.toThrow('database is locked');
    await batch.add({ cid: 'x2', input: 2 });
    expect((await queue.getJob('t', jobId)).progress.total).toBe(1);
  });
});
