import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { openQueue } from '../../core/queue/open.ts';
import type { Queue } from '../../core/queue/queue.ts';
import { QueuedRunner } from '../../core/runners/queued/runner.ts';
import { QueueWorker } from '../../functions/worker/queue-worker.ts';
import { describeConformance } from './suite.ts';

/** The whole conformance suite through the durable queue (a libSQL file), drained by 2 workers. */
const dir = mkdtempSync(join(tmpdir(), 'noob-queued-'));
let queue: Queue;
let workers: QueueWorker[] = [];
beforeAll(async () => {
  queue = await openQueue(join(dir, 'noob.db'));
  workers = [new QueueWorker({ queue, idleMs: 2 }), new QueueWorker({ queue, idleMs: 2 })];
  await Promise.all(workers.map((worker) => worker.start()));
});
afterAll(async () => {
  await Promise.all(workers.map((worker) => worker.stop()));
  await queue.close();
  rmSync(dir, { recursive: true, force: true });
});

describeConformance('queued (libSQL file, 2 workers)', (tube) => new QueuedRunner(tube, { queue }));
