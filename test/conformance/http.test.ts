import { afterAll, beforeAll } from 'vitest';
import { HttpRunner } from '../../core/runners/http/runner.ts';
import { describeConformance } from './suite.ts';
import { startWorkerProcess, WORKER_TOKEN, type WorkerProcess } from './workers.ts';

/** The whole conformance suite on the distributed runner with 3 worker processes. */
let workers: WorkerProcess[] = [];
beforeAll(async () => {
  workers = await Promise.all([startWorkerProcess(), startWorkerProcess(), startWorkerProcess()]);
});
afterAll(async () => {
  await Promise.all(workers.map((worker) => worker.stop()));
});

describeConformance(
  'http (3 workers)',
  (tube) => new HttpRunner(tube, { workers: workers.map((w) => w.url), token: WORKER_TOKEN }),
  {
    nodesInProcess: false,
  },
);
