import { describe, expect, it, vi } from 'vitest';
import { fileQueue } from './file-queue.fixture.ts';
import { OutcomeWatch } from './outcome-watch.ts';

const useQueue = fileQueue('outcome-watch');

/** An open job with `n` tasks `prefix0…`; their CIDs. */
async function job(prefix: string, n: number) {
  const cids = Array.from({ length: n }, (_, i) => `${prefix}${i}`);
  const { jobId } = await useQueue().submitJob({
    tenant: 't',
    kind: 'tasks',
    tasks: cids.map((cid, i) => ({ cid, input: i })),
  });
  return { jobId, cids };
}

describe('OutcomeWatch', () => {
  it('behavior: one read answers every waiting call; no read per call', async () => {
    const { jobId, cids } = await job('many-', 12);
    const reads = vi.spyOn(useQueue(), 'finalOutcomes');
    const single = vi.spyOn(useQueue(), 'taskOutcome');
    const watch = new OutcomeWatch(useQueue(), 't', jobId);
    const signal = new AbortController().signal;
    const outcomes = Promise.all(cids.map((cid) => watch.wait(cid, signal)));
    const claimed = await useQueue().claim({ workerId: 'w', max: 12 });
    await useQueue().completeMany(
      'w',
      claimed.map((task) => ({ taskId: task.id, result: { out: task.input } })),
    );
    expect((await outcomes).map((outcome) => outcome.result)).toEqual(
      cids.map((_, i) => ({ out: i })),
    );
    expect(single).not.toHaveBeenCalled();
    // Each look asked for every call still waiting, in one read.
    expect(reads.mock.calls[0]![2]).toEqual(cids);
    expect(reads.mock.calls.length).toBeLessThan(cids.length);
  });

  it('behavior: a dead task and a cancelled job are outcomes too; reads stop once none waits', async () => {
    const { jobId, cids } = await job('final-', 2);
    const watch = new OutcomeWatch(useQueue(), 't', jobId);
    const signal = new AbortController().signal;
    const dead = watch.wait(cids[0]!, signal);
    const [task] = await useQueue().claim({ workerId: 'w', max: 1 });
    await useQueue().fail('w', task!.id, new Error('broken'), { retryable: false });
    expect(await dead).toMatchObject({ state: 'dead', failure: { message: 'broken' } });
    const cancelled = watch.wait(cids[1]!, signal);
    await useQueue().cancelJob('t', jobId);
    expect((await cancelled).state).toBe('cancelled');
    const reads = vi.spyOn(useQueue(), 'finalOutcomes');
    const { jobId: unrelated } = await useQueue().submitJob({
      tenant: 't',
      kind: 'tasks',
      tasks: [{ cid: 'unrelated', input: 0 }],
    });
    expect(reads).not.toHaveBeenCalled();
    await useQueue().cancelJob('t', unrelated);
  });

  it('behavior: a look while none of its calls ended reads only the job’s count of final tasks', async () => {
    const { jobId, cids } = await job('count-', 1);
    const reads = vi.spyOn(useQueue(), 'finalOutcomes');
    const watch = new OutcomeWatch(useQueue(), 't', jobId);
    const outcome = watch.wait(cids[0]!, new AbortController().signal);
    for (let i = 0; i < 200 && reads.mock.calls.length === 0; i++)
      await new Promise((resolve) => setTimeout(resolve, 5));
    // Another job's commit makes the watch look again: nothing of this job ended.
    const { jobId: other } = await useQueue().submitJob({
      tenant: 't',
      kind: 'tasks',
      tasks: [{ cid: 'count-other', input: 0 }],
    });
    for (let i = 0; i < 200 && reads.mock.calls.length < 2; i++)
      await new Promise((resolve) => setTimeout(resolve, 5));
    expect(reads.mock.calls[0]![3]).toBe(-1); // the first look reads the outcomes
    expect(reads.mock.calls[1]![3]).toBe(0); // then only whether the count moved from 0
    expect((await reads.mock.results[1]!.value).outcomes.size).toBe(0);
    const [task] = await useQueue().claim({ workerId: 'w', max: 1, tags: [] });
    await useQueue().complete('w', task!.id, 'ended');
    expect((await outcome).result).toBe('ended');
    await useQueue().cancelJob('t', other);
  });

  it('error: an aborted wait rejects with RunCancelledError naming the call; the others go on', async () => {
    const { jobId, cids } = await job('abort-', 2);
    const watch = new OutcomeWatch(useQueue(), 't', jobId);
    const controller = new AbortController();
    const aborted = watch.wait(cids[0]!, controller.signal, 'node b');
    const other = watch.wait(cids[1]!, new AbortController().signal);
    controller.abort();
    await expect(aborted).rejects.toMatchObject({
      name: 'RunCancelledError',
      message: expect.stringContaining('node b'),
    });
    const claimed = await useQueue().claim({ workerId: 'w', max: 10 });
    expect(claimed.map((task) => task.cid)).toEqual(cids);
    for (const task of claimed) await useQueue().complete('w', task.id, 'done');
    expect((await other).result).toBe('done');
  });
});
