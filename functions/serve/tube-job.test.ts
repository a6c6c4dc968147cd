import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openQueue } from '../../core/queue/open.ts';
import { Coordinator } from './coordinator.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A map over `items`, a no-op call per item, gathered again. */
const MAP_TUBE = `noob_id: map-all-at-once
input:
  items:
    type: list
    scope: process
nodes:
  m:
    type: map
    depends:
      - value: input.items
  loud:
    type: noob.testing.exclaim
    depends:
      - string: m.value
  together:
    type: gather
    depends:
      - value: loud.value
      - n: m.n
  out:
    type: return
    depends:
      - items: together.value
`;

describe('runTubeJob', () => {
  it('behavior: a job’s 100-item map is in the queue all at once, before any call has run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'noob-tube-job-'));
    const queue = await openQueue(join(dir, 'noob.db'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    cleanups.push(() => queue.close());
    // A worker with the job's tag is known, so the job is admitted, but none runs: the
    // run cannot wait for results to add more.
    await queue.registerWorker('absent', ['nobody-runs']);
    const coordinator = new Coordinator({ queue, pollMs: 5, recordOutcome: async () => {} });
    coordinator.start();
    cleanups.push(() => coordinator.stop());
    const items = Array.from({ length: 100 }, (_, i) => `item-${i}`);
    const { jobId } = await queue.submitJob({
      tenant: 't1',
      kind: 'tube',
      payload: { tube: MAP_TUBE, inputs: { items }, epochs: 1, tags: ['nobody-runs'] },
      open: true,
    });
    let progress = (await queue.getJob('t1', jobId)).progress;
    for (let look = 0; look < 500 && progress.total < 100; look++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      progress = (await queue.getJob('t1', jobId)).progress;
    }
    // With a window of 32 calls the run stopped at 32 until results came back.
    expect(progress).toMatchObject({ total: 100, done: 0 });
  });
});
