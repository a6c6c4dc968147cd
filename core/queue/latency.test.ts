import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { QueueDriver } from './backend.ts';
import { ManualClock } from './clock.ts';
import { openDriver, openQueue } from './open.ts';
import { Queue } from './queue.ts';

const root = mkdtempSync(join(tmpdir(), 'noob-latency-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshPath = () => join(root, `q${n++}.db`);

/** Submit `count` tasks, then claim and complete them all as worker `w`, `runMs` apart. */
async function runTasks(
  queue: Queue,
  clock: ManualClock,
  count: number,
  waitMs: number,
  runMs: number,
) {
  const tasks = Array.from({ length: count }, (_, i) => ({ cid: `c${n}-${i}`, input: i }));
  await queue.submitJob({ tenant: 't', kind: 'tasks', tasks });
  clock.advance(waitMs);
  const claimed = await queue.claim({ workerId: 'w', max: count });
  clock.advance(runMs);
  await queue.completeMany(
    'w',
    claimed.map((task) => ({ taskId: task.id, result: null })),
  );
}

describe('task latency histograms', () => {
  it('default: claims record waits and completions record run times', async () => {
    const clock = new ManualClock(1_000_000);
    const queue = await openQueue(freshPath(), { clock });
    await runTasks(queue, clock, 3, 40, 7);
    const { wait, run } = await queue.taskLatency();
    expect(wait).toMatchObject({ count: 3, sumMs: 120 });
    expect(run).toMatchObject({ count: 3, sumMs: 21 });
    // 40 ms falls in the first bucket bounded by 40 or more, 7 ms likewise.
    expect(wait.counts[wait.boundsMs.findIndex((bound) => bound >= 40)]).toBe(3);
    expect(run.counts[run.boundsMs.findIndex((bound) => bound >= 7)]).toBe(3);
    await queue.close();
  });

  it('behavior: another connection sees them without this queue reading or closing', async () => {
    const path = freshPath();
    const clock = new ManualClock(1_000_000);
    const working = await openQueue(path, { clock });
    const reading = await openQueue(path);
    await runTasks(working, clock, 2, 5, 3);
    // Written by the working queue's own timer, within a second or so.
    await vi.waitFor(async () => expect((await reading.taskLatency()).run.count).toBe(2), {
      timeout: 10_000,
      interval: 50,
    });
    await reading.close();
    await working.close();
  });

  it('behavior: close writes what is still pending', async () => {
    const path = freshPath();
    const clock = new ManualClock(1_000_000);
    const queue = await openQueue(path, { clock });
    await runTasks(queue, clock, 4, 1, 1);
    await queue.close();
    const reopened = await openQueue(path);
    expect((await reopened.taskLatency()).wait.count).toBe(4);
    await reopened.close();
  });

  it('error: a failed write keeps the observations for the next one', async () => {
    const driver = await openDriver(freshPath());
    let failWrites = true;
    const flaky: QueueDriver = {
      kind: driver.kind,
      execute: (statement) => driver.execute(statement),
      batch: (statements, mode, onCommitted) =>
        failWrites && statements.some((s) => s.sql.includes('task_latency'))
          ? Promise.reject(new Error('disk I/O error'))
          : driver.batch(statements, mode, onCommitted),
      transaction: (body) => driver.transaction(body),
      close: () => driver.close(),
    };
    const clock = new ManualClock(1_000_000);
    const queue = new Queue(flaky, { clock });
    await runTasks(queue, clock, 2, 10, 10);
    await expect(queue.taskLatency()).rejects.toThrow('disk I/O error');
    failWrites = false;
    const { wait, run } = await queue.taskLatency();
    expect([wait.count, run.count]).toEqual([2, 2]);
    await queue.close();
  });
});
