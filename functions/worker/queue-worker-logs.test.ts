import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defineNode } from '../../core/node/define.ts';
import { createRegistry } from '../../core/node/registry.ts';
import { openQueue } from '../../core/queue/open.ts';
import type { Queue } from '../../core/queue/queue.ts';
import { TaskExecutor } from './executor.ts';
import { QueueWorker } from './queue-worker.ts';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function freshQueue(): Promise<Queue> {
  const dir = mkdtempSync(join(tmpdir(), 'noob-worker-logs-'));
  const queue = await openQueue(join(dir, 'noob.db'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  cleanups.push(() => queue.close());
  return queue;
}

/** Nodes that print: `test.chatty` says its value on stdout and stderr, `test.grumpy` then throws. */
function chattyExecutor(): TaskExecutor {
  const registry = createRegistry();
  registry.register(
    'test.chatty',
    defineNode({
      slots: { value: {} },
      process: async ({ value }) => {
        console.log('got', value);
        await new Promise((resolve) => setTimeout(resolve, 1));
        console.error(`warned ${value}`);
        return value;
      },
    }),
  );
  registry.register(
    'test.grumpy',
    defineNode({
      slots: { value: {} },
      process: ({ value }) => {
        process.stdout.write(`about to fail on ${value}\n`);
        throw new Error('grumpy');
      },
    }),
  );
  return new TaskExecutor({ registry });
}

const call = (type: string, nodeId: string, epoch: number) => {
  const cid = `${nodeId}-${epoch}`;
  return {
    cid,
    nodeId,
    epoch: String(epoch),
    input: { cid, type, inputs: { value: epoch }, nodeId, epoch: String(epoch) },
    maxAttempts: 1,
  };
};

describe('QueueWorker node logs (real queue file)', () => {
  it('default: each call’s output is kept with its task, by node, epoch and stream, and echoed labelled', async () => {
    const queue = await freshQueue();
    const echoed: string[] = [];
    const worker = new QueueWorker({
      queue,
      concurrency: 4,
      executor: chattyExecutor(),
      echoLogs: (_stream, line) => echoed.push(line),
    });
    await worker.start();
    cleanups.push(() => worker.stop());
    const tasks = [0, 1, 2, 3].map((epoch) => call('test.chatty', 'chat', epoch));
    const { jobId } = await queue.submitJob({ tenant: 't', kind: 'tasks', tasks });
    await queue.changes.until(async () => (await queue.getJob('t', jobId)).state === 'succeeded');
    const logs = await queue.logs('t', jobId);
    expect(logs).toHaveLength(8);
    for (const epoch of ['0', '1', '2', '3']) {
      const mine = logs.filter((entry) => entry.epoch === epoch);
      expect(mine.map(({ node, stream, text }) => ({ node, stream, text }))).toEqual([
        { node: 'chat', stream: 'stdout', text: `got ${epoch}\n` },
        { node: 'chat', stream: 'stderr', text: `warned ${epoch}\n` },
      ]);
      expect(new Set(mine.map((entry) => entry.taskId)).size).toBe(1);
    }
    expect(echoed).toContain(`[job ${jobId} node chat #2] got 2`);
    expect(echoed).toContain(`[job ${jobId} node chat #2] warned 2`);
  });

  it('behavior: a failed call keeps what it printed before failing', async () => {
    const queue = await freshQueue();
    const worker = new QueueWorker({ queue, executor: chattyExecutor(), echoLogs: false });
    await worker.start();
    cleanups.push(() => worker.stop());
    const { jobId } = await queue.submitJob({
      tenant: 't',
      kind: 'tasks',
      tasks: [call('test.grumpy', 'grump', 7)],
    });
    await queue.changes.until(async () => (await queue.getJob('t', jobId)).state === 'failed');
    const logs = await queue.logs('t', jobId);
    expect(logs.map(({ node, epoch, text }) => ({ node, epoch, text }))).toEqual([
      { node: 'grump', epoch: '7', text: 'about to fail on 7\n' },
    ]);
  });

  it('behavior: with captureLogs false nothing is kept (the output goes to the process)', async () => {
    const queue = await freshQueue();
    const worker = new QueueWorker({ queue, executor: chattyExecutor(), captureLogs: false });
    await worker.start();
    cleanups.push(() => worker.stop());
    const { jobId } = await queue.submitJob({
      tenant: 't',
      kind: 'tasks',
      tasks: [call('test.chatty', 'chat', 1)],
    });
    await queue.changes.until(async () => (await queue.getJob('t', jobId)).state === 'succeeded');
    expect(await queue.logs('t', jobId)).toEqual([]);
  });

  it('behavior: output past maxLogBytes is cut, and the last entry says how much was dropped', async () => {
    const queue = await freshQueue();
    const worker = new QueueWorker({
      queue,
      executor: chattyExecutor(),
      echoLogs: false,
      maxLogBytes: 6,
    });
    await worker.start();
    cleanups.push(() => worker.stop());
    const { jobId } = await queue.submitJob({
      tenant: 't',
      kind: 'tasks',
      tasks: [call('test.chatty', 'chat', 12345)],
    });
    await queue.changes.until(async () => (await queue.getJob('t', jobId)).state === 'succeeded');
    const texts = (await queue.logs('t', jobId)).map((entry) => entry.text);
    expect(texts[0]).toBe('got 12');
    expect(texts.at(-1)).toMatch(/^\[noob: \d+ more bytes of output dropped: a call keeps 6/);
  });
});
