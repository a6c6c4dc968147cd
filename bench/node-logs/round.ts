/**
 * One round of the node-logs benchmark, in a process of its own (so its Node flags are its
 * own): `node [flags] round.ts TASKS quiet|chatty [on|off]`. A queue worker (concurrency
 * 16, every call's output captured unless `off`) runs TASKS calls from an embedded queue,
 * of a node that prints nothing (`quiet`) or one line per call (`chatty`, kept with the task).
 * Prints `{"tasksPerSecond": N}`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineNode } from '../../core/node/define.ts';
import { createRegistry } from '../../core/node/registry.ts';
import { openQueue } from '../../core/queue/open.ts';
import { TaskExecutor } from '../../functions/worker/executor.ts';
import { QueueWorker } from '../../functions/worker/queue-worker.ts';

const count = Number(process.argv[2]);
const chatty = process.argv[3] === 'chatty';
const capture = process.argv[4] !== 'off';
const dir = mkdtempSync(join(tmpdir(), 'noob-bench-logs-'));
const queue = await openQueue(join(dir, 'noob.db'));
const registry = createRegistry();
registry.register(
  'bench.node',
  defineNode({
    slots: { value: {} },
    process: ({ value }) => {
      if (chatty) console.log(`call ${value}`);
      return value;
    },
  }),
);
const tasks = Array.from({ length: count }, (_, i) => ({
  cid: `c${i}`,
  nodeId: 'node',
  epoch: String(i),
  input: { cid: `c${i}`, type: 'bench.node', inputs: { value: i } },
}));
const { jobId } = await queue.submitJob({ tenant: 'bench', kind: 'tasks', tasks });
const worker = new QueueWorker({
  queue,
  concurrency: 16,
  executor: new TaskExecutor({ registry }),
  echoLogs: false,
  captureLogs: capture,
});
const started = performance.now();
await worker.start();
await queue.changes.until(
  async () => (await queue.getJob('bench', jobId, { taskResults: false })).state === 'succeeded',
);
const seconds = (performance.now() - started) / 1000;
await worker.stop();
await queue.close();
rmSync(dir, { recursive: true, force: true });
process.stdout.write(`${JSON.stringify({ tasksPerSecond: count / seconds })}\n`);
