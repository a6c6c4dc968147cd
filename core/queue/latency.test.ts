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

  /** A driver whose latency writes fail while `failing.on`; counts the failures. */
  function flakyLatencyWrites(driver: QueueDriver) {
    const failing = { on: true, count: 0 };
    const flaky: QueueDriver = {
      kind: driver.kind,
      execute: (statement) => driver.execute(statement),
      batch: (statements, mode, onCommitted) => {
        if (failing.on && statements.some((s) => s.sql.includes('task_latency'))) {
          failing.count++;
          return Promise.reject(new Error('disk I/O error'));
        }
        return driver.batch(statements, mode, onCommitted);
      },
      transaction: (body) => driver.transaction(body),
      close: () => driver.close(),
    };
    return { flaky, failing };
  }

  it('error: a failed write keeps the observations for the next one', async () => {
    const { flaky, failing } = flakyLatencyWrites(await openDriver(freshPath()));
    const clock = new ManualClock(1_000_000);
    const queue = new Queue(flaky, { clock });
    await runTasks(queue, clock, 2, 10, 10);
    await expect(queue.taskLatency()).rejects.toThrow('disk I/O error');
    failing.on = false;
    const { wait, run } = await queue.taskLatency();
    expect([wait.count, run.count]).toEqual([2, 2]);
    await queue.close();
  });

  it('error: a failed timed write is tried again on its own', async () => {
    const path = freshPath();
    const { flaky, failing } = flakyLatencyWrites(await openDriver(path));
    const clock = new ManualClock(1_000_000);
    const queue = new Queue(flaky, { clock });
    const reading = await openQueue(path);
    await runTasks(queue, clock, 3, 10, 10);
    await vi.waitFor(() => expect(failing.count).toBeGreaterThan(0), { timeout: 10_000 });
    failing.on = false;
    // No new observation, no read through the working queue: its timer tries again.
    await vi.waitFor(async () => expect((await reading.taskLatency()).run.count).toBe(3), {
      timeout: 10_000,
      interval: 50,
    });
    await reading.close();
    await queue.close();
  });
});
