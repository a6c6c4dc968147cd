/**
 * End-to-end rows, one figure per process: `node bench/native/e2e.ts KIND` prints one
 * number, and bench/native.ts runs it with the addon and with `NOOB_NATIVE=0` (the addon
 * is chosen when core/cid.ts loads, so the two cannot share a process).
 *
 * - `sync`: SyncRunner node calls/s on bench/tubes/wide-deep-50.yaml (no CIDs on its path).
 * - `queue`: the queue benchmark's no-op tasks/s, concurrency 16 (tasks arrive named).
 * - `queued`: the queued runner's node calls/s on the same tube, with a worker in this
 *   process: every stateless call becomes a task named by `taskCid`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openQueue } from '../../core/queue/open.ts';
import { QueuedRunner } from '../../core/runners/queued/runner.ts';
import { SyncRunner } from '../../core/runners/sync.ts';
import { loadTube } from '../../core/tube/load.ts';
import { TaskExecutor } from '../../functions/worker/executor.ts';
import { QueueWorker } from '../../functions/worker/queue-worker.ts';
import { noobThroughput } from '../queue/noob.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const TUBE = join(ROOT, 'bench', 'tubes', 'wide-deep-50.yaml');
const NODES = 50;

/** Node calls per second of `runner.process()` epochs for about `seconds` (after a warm-up). */
async function callsPerSecond(
  runner: { process(): Promise<unknown> },
  seconds: number,
  warmup: number,
): Promise<number> {
  for (let i = 0; i < warmup; i++) await runner.process();
  const start = performance.now();
  let epochs = 0;
  while (performance.now() - start < seconds * 1000) {
    await runner.process();
    epochs++;
  }
  return (epochs * NODES * 1000) / (performance.now() - start);
}

async function sync(): Promise<number> {
  const runner = new SyncRunner(await loadTube(TUBE));
  await runner.init();
  try {
    return await callsPerSecond(runner, 2, 2000);
  } finally {
    await runner.deinit();
  }
}

async function queued(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'noob-bench-native-'));
  const queue = await openQueue(join(dir, 'queue.db'));
  const worker = new QueueWorker({
    queue,
    concurrency: 16,
    executor: new TaskExecutor({ directory: ROOT }),
  });
  const runner = new QueuedRunner(await loadTube(TUBE), { queue });
  try {
    await worker.start();
    await runner.init();
    return await callsPerSecond(runner, 3, 20);
  } finally {
    await runner.deinit();
    await worker.stop();
    await queue.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const KINDS: Record<string, () => Promise<number>> = {
  sync,
  queued,
  queue: () => noobThroughput({ count: 20_000, chunk: 1000, concurrency: 16 }),
};

/** The kinds of end-to-end figure there are. */
export const E2E_KINDS = Object.keys(KINDS);

if (import.meta.main) {
  const kind = KINDS[process.argv[2] ?? ''];
  if (!kind) throw new Error(`usage: e2e.ts ${E2E_KINDS.join('|')}`);
  process.stdout.write(`${await kind()}\n`);
}
