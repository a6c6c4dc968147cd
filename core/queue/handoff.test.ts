import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from './clock.ts';
import type { HandOff, IdleMark } from './handoff.ts';
import { openQueue } from './open.ts';
import type { Queue } from './queue.ts';
import type { ClaimedTask } from './types.ts';

const root = mkdtempSync(join(tmpdir(), 'noob-handoff-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function fresh(clock = new ManualClock(1_000_000)): Promise<{ queue: Queue; path: string }> {
  const path = join(root, `q${n++}`, 'noob.db');
  const queue = await openQueue(path, { clock });
  cleanups.push(() => queue.close());
  return { queue, path };
}

/** An idle worker as a QueueWorker is one: it looked, found nothing, and offers. */
async function idleWorker(queue: Queue, workerId: string, tags: string[] = [], max = 8) {
  const look = await queue.nextReady(tags);
  expect(look.ready).toBe(false);
  return offerWith(queue, look.idle, workerId, tags, max);
}

/** An offer with the mark of a look made earlier: what it is handed and dealt. */
function offerWith(
  queue: Queue,
  look: IdleMark | undefined,
  workerId: string,
  tags: string[] = [],
  max = 8,
) {
  const handOffs: HandOff[] = [];
  const delivered: ClaimedTask[][] = [];
  const withdraw = queue.offer({
    request: { workerId, tags, max, leaseMs: 5_000 },
    deliver: (tasks) => delivered.push(tasks),
    idle: () => look,
    start: (handOff) => handOffs.push(handOff),
  });
  return { handOffs, delivered, withdraw };
}

const cids = (tasks: readonly { cid: string }[]) => tasks.map((t) => t.cid);

/** A one-task job of tenant `t`. */
function job(cid: string) {
  return { tenant: 't', kind: 'tasks' as const, tasks: [{ cid, input: cid }] };
}

describe('hand-off to an idle worker of this process', () => {
  it('behavior: the best ready tasks are handed over before the commit, then stored leased to the worker', async () => {
    const clock = new ManualClock(1_000_000);
    const { queue } = await fresh(clock);
    const worker = await idleWorker(queue, 'w', ['cpu'], 2);
    const submitted = queue.submitJob({
      tenant: 't',
      kind: 'tasks',
      tasks: [
        { cid: 'low', input: { n: 1 }, priority: 'LOW' },
        { cid: 'later', input: 2, delayMs: 1_000 },
        { cid: 'gpu', input: 3, tags: ['gpu'] },
        { cid: 'high', input: { n: 4 }, priority: 'HIGH', tags: ['cpu'] },
        { cid: 'normal', input: 5 },
        { cid: 'high', input: 'a repeated CID is skipped' },
      ],
    });
    // Handed over during the call itself: the worker can start before anything is stored.
    expect(worker.handOffs).toHaveLength(1);
    const [handOff] = worker.handOffs;
    expect(handOff!.tasks).toEqual([
      expect.objectContaining({ cid: 'high', input: { n: 4 }, priority: 'HIGH', attempt: 1 }),
      expect.objectContaining({ cid: 'normal', input: 5, priority: 'NORMAL', maxAttempts: 3 }),
    ]);
    expect(handOff!.tasks[0]!.leaseExpiresAt).toBe(clock.now() + 5_000);
    const { jobId } = await submitted;
    const ids = await handOff!.stored;
    expect(handOff!.tasks[0]!.jobId).toBe(jobId);

    // Stored as a claim at commit would have left them: leased, first attempt, events.
    for (const cid of ['high', 'normal']) {
      expect((await queue.taskOutcome('t', jobId, cid))?.state).toBe('leased');
    }
    const job = await queue.getJob('t', jobId);
    expect(job.state).toBe('running');
    expect(job.progress.total).toBe(5);
    const events = await queue.events('t', jobId);
    expect(events.map((e) => e.type)).toEqual(['job.queued', 'job.running', 'tasks.leased']);
    expect(events[2]!.data).toMatchObject({ worker: 'w', count: 2 });
    expect(cids(events[2]!.data.tasks as { cid: string }[]).sort()).toEqual(['high', 'normal']);
    expect(worker.delivered).toEqual([]);

    // The rest were stored queued, in rank order; the delayed one waits.
    const rest = await queue.claim({ workerId: 'x', tags: ['gpu'], max: 10 });
    expect(cids(rest)).toEqual(['gpu', 'low']);
    // Ids follow the submission's order, handed tasks or not.
    const idOf = (cid: string) =>
      rest.find((t) => t.cid === cid)?.id ?? ids[['high', 'normal'].indexOf(cid)]!;
    const order = ['low', 'gpu', 'high', 'normal'];
    expect([...order].sort((x, y) => idOf(x) - idOf(y))).toEqual(order);
    // The ids are the tasks' own: the holder's results are accepted, once.
    expect(await queue.complete('w', ids[0]!, 'h')).toBe(true);
    expect(await queue.complete('w', ids[1]!, 'n')).toBe(true);
    expect(await queue.complete('w', ids[1]!, 'again')).toBe(false);
    expect((await queue.getJob('t', jobId)).results).toEqual({ high: 'h', normal: 'n' });
  });

  it('behavior: completions and fully handed-over submissions keep the look good', async () => {
    const { queue } = await fresh();
    const look = (await queue.nextReady()).idle;
    const w1 = offerWith(queue, look, 'w1', [], 1);
    await queue.submitJob(job('a'));
    const [a] = await w1.handOffs[0]!.stored;
    expect(await queue.complete('w1', a!, 'done')).toBe(true);
    // Neither that submission (its one task leased) nor the completion made a task
    // ready: what the look found still holds, for any worker with its tags.
    const w2 = offerWith(queue, look, 'w2', [], 1);
    await queue.submitJob(job('b'));
    const handOffs = [...w1.handOffs, ...w2.handOffs];
    expect(handOffs.map((h) => cids(h.tasks))).toEqual([['a'], ['b']]);
  });

  it('behavior: a commit that may have made work ready spoils the look; the claim at commit takes over', async () => {
    const { queue } = await fresh();
    const worker = await idleWorker(queue, 'w', ['cpu'], 1);
    // Nothing in it for this worker, so nothing handed over; but it stored queued work.
    await queue.submitJob({ ...job('gpu'), tasks: [{ cid: 'gpu', input: 0, tags: ['gpu'] }] });
    await queue.submitJob(job('x'));
    expect(worker.handOffs).toEqual([]);
    expect(worker.delivered.map(cids)).toEqual([[], ['x']]);
  });

  it("behavior: another connection's commit spoils the look", async () => {
    const clock = new ManualClock(1_000_000);
    const { queue, path } = await fresh(clock);
    const other = await openQueue(path, { clock });
    cleanups.push(() => other.close());
    const worker = await idleWorker(queue, 'w', [], 1);
    await other.submitJob(job('theirs'));
    await queue.submitJob(job('ours'));
    expect(worker.handOffs).toEqual([]);
    // The claim at commit takes the older task first, as it should.
    expect(worker.delivered.map(cids)).toEqual([['theirs']]);
  });

  it('behavior: once a delayed task is due, the look no longer holds', async () => {
    const clock = new ManualClock(1_000_000);
    const { queue } = await fresh(clock);
    await queue.submitJob({ ...job('later'), tasks: [{ cid: 'later', input: 0, delayMs: 1_000 }] });
    const worker = await idleWorker(queue, 'w', [], 1);
    clock.advance(1_000);
    await queue.submitJob(job('now'));
    expect(worker.handOffs).toEqual([]);
    expect(worker.delivered.map(cids)).toEqual([['later']]);
  });

  it('behavior: a look older than the shortest hand-off lease is not trusted: that lease may have expired', async () => {
    const clock = new ManualClock(1_000_000);
    const { queue } = await fresh(clock);
    // a looks first, and offers only later with that look.
    const look = (await queue.nextReady([])).idle;
    const b = await idleWorker(queue, 'b', [], 1);
    // Handed to b (5 s lease), which then never reports nor heartbeats.
    await queue.submitJob(job('stuck'));
    expect(b.handOffs.map((h) => cids(h.tasks))).toEqual([['stuck']]);
    const a = offerWith(queue, look, 'a', [], 1);
    clock.advance(5_000);
    await queue.submitJob(job('new'));
    // a's look could not know of that lease, which has expired since.
    expect(a.handOffs).toEqual([]);
    // The claim at commit reaps the expired lease, and that task goes first.
    expect(a.delivered.map(cids)).toEqual([['stuck']]);
  });

  it('behavior: no hand-off for a submission with an idempotency key, or behind one waiting for its commit', async () => {
    const { queue } = await fresh();
    const first = await idleWorker(queue, 'w1', [], 1);
    await queue.submitJob({ ...job('keyed'), idempotencyKey: 'k' });
    expect(first.handOffs).toEqual([]);
    expect(first.delivered.map(cids)).toEqual([['keyed']]);

    const a = await idleWorker(queue, 'a', [], 1);
    const b = await idleWorker(queue, 'b', [], 1);
    // In one tick: the first is handed to a worker; the second waits behind it, so a
    // look now could miss it: it is claimed at commit instead.
    await Promise.all([queue.submitJob(job('one')), queue.submitJob(job('two'))]);
    expect([...a.handOffs, ...b.handOffs].map((h) => cids(h.tasks))).toEqual([['one']]);
    expect([...a.delivered, ...b.delivered].map(cids)).toEqual([['two']]);
  });

  it('error: when the transaction fails, the submission and the handed tasks fail with its error; nothing is stored', async () => {
    const { queue } = await fresh();
    await queue.driver.execute({
      sql: `CREATE TRIGGER poison BEFORE INSERT ON tasks WHEN new.cid = 'poison'
        BEGIN SELECT RAISE(ABORT, 'poisoned task (injected)'); END`,
      params: {},
    });
    const worker = await idleWorker(queue, 'w', [], 1);
    const submitted = queue.submitJob({
      ...job('ok'),
      tasks: [
        { cid: 'ok', input: 1 },
        { cid: 'poison', input: 2 },
      ],
    });
    const [handOff] = worker.handOffs;
    expect(cids(handOff!.tasks)).toEqual(['ok']);
    await expect(submitted).rejects.toThrow('poisoned task (injected)');
    await expect(handOff!.stored).rejects.toThrow('poisoned task (injected)');
    await expect(queue.getJob('t', handOff!.tasks[0]!.jobId)).rejects.toThrow(/not found/i);
    const stats = await queue.stats();
    const counts = [
      ...Object.values(stats.jobs),
      ...Object.values(stats.tasks).flatMap(Object.values),
    ];
    expect(counts.every((count) => count === 0)).toBe(true);
  });
});
