import { afterEach, describe, expect, it } from 'vitest';
import { HttpRunner } from '../../core/runners/http/runner.ts';
import { loadTube } from '../../core/tube/load.ts';
import { BASIC_TUBE } from '../conformance/suite.ts';
import { startWorkerProcess, WORKER_TOKEN, type WorkerProcess } from '../conformance/workers.ts';

let workers: WorkerProcess[] = [];
afterEach(async () => {
  await Promise.all(workers.map((worker) => worker.stop()));
  workers = [];
});

describe('distributed runner faults (real worker processes)', () => {
  it('behavior: a worker killed mid-run: the run completes with correct results on the others', async () => {
    workers = await Promise.all([startWorkerProcess(), startWorkerProcess(), startWorkerProcess()]);
    const runner = new HttpRunner(await loadTube(BASIC_TUBE), {
      workers: workers.map((w) => w.url),
      token: WORKER_TOKEN,
      strategy: 'round-robin',
    });
    let killed: WorkerProcess | undefined;
    runner.on('epoch', ({ epoch }) => {
      if (epoch !== 10) return;
      // Kill a worker that holds no stateful node: the source's state must survive.
      const pinned = new Set(runner.pool.pinnedWorkers());
      killed = workers.find((w) => !pinned.has(w.url));
      killed!.child.kill('SIGKILL');
    });
    const results = await runner.run(40);
    await runner.deinit();
    expect(results).toEqual(Array.from({ length: 40 }, (_, i) => 2 * i));
    expect(killed).toBeDefined();
    expect(runner.pool.stats().find((s) => s.url === killed!.url)!.breaker).not.toBe('closed');
  });

  it('error: losing the worker that holds a stateful node fails the run, naming the node', async () => {
    workers = await Promise.all([startWorkerProcess(), startWorkerProcess()]);
    const runner = new HttpRunner(await loadTube(BASIC_TUBE), {
      workers: workers.map((w) => w.url),
      token: WORKER_TOKEN,
    });
    await runner.run(3);
    const pinned = workers.find((w) => runner.pool.pinnedWorkers().includes(w.url))!;
    pinned.child.kill('SIGKILL');
    const error: any = await runner.run(3).catch((e: unknown) => e);
    await runner.deinit();
    expect(error.name).toBe('NodeRunError');
    expect(error.nodeId).toBe('a');
    expect(error.message).toMatch(/no worker could run node a/);
  });
});
