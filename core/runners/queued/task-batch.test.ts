import { describe, expect, it, vi } from 'vitest';
import { fileQueue } from './file-queue.fixture.ts';
import { TaskBatch } from './task-batch.ts';

const useQueue = fileQueue('task-batch');

async function openJob(): Promise<string> {
  const { jobId } = await useQueue().submitJob({
    tenant: 't',
    kind: 'tube',
    payload: {},
    open: true,
  });
  return jobId;
}

describe('TaskBatch', () => {
  it('behavior: calls that start together are stored in one add; those during it in the next', async () => {
    const jobId = await openJob();
    const adds = vi.spyOn(useQueue(), 'addTasks');
    const batch = new TaskBatch(useQueue(), 't', jobId);
    const first = Array.from({ length: 16 }, (_, i) => batch.add({ cid: `a${i}`, input: i }));
    // While the first add is on its way: these wait for it, then go together.
    await Promise.resolve();
    const second = Array.from({ length: 4 }, (_, i) => batch.add({ cid: `b${i}`, input: i }));
    await Promise.all([...first, ...second]);
    expect(adds.mock.calls.map((call) => call[2].length)).toEqual([16, 4]);
    expect((await useQueue().getJob('t', jobId)).progress.total).toBe(20);
  });

  it('error: a failed add rejects every call of its batch; the next batch is tried afresh', async () => {
    const jobId = await openJob();
    const batch = new TaskBatch(useQueue(), 't', jobId);
    vi.spyOn(useQueue(), 'addTasks').mockRejectedValueOnce(new Error('database is locked'));
    const failed = [batch.add({ cid: 'x0', input: 0 }), batch.add({ cid: 'x1', input: 1 })];
    await expect(Promise.all(failed)).rejects.toThrow('database is locked');
    await expect(failed[1]).rejects.toThrow('database is locked');
    await batch.add({ cid: 'x2', input: 2 });
    expect((await useQueue().getJob('t', jobId)).progress.total).toBe(1);
  });
});
