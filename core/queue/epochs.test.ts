import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_EPOCH_EVENT_BYTES } from './epochs.ts';
import { openDriver } from './open.ts';
import { Queue } from './queue.ts';

const root = mkdtempSync(join(tmpdir(), 'noob-epochs-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

describe('epoch results in the events log', () => {
  let queue: Queue;
  beforeEach(async () => {
    queue = new Queue(await openDriver(join(root, `q${n++}.db`)));
  });
  afterEach(() => queue.close());

  const openTubeJob = () =>
    queue.submitJob({ tenant: 'acme', kind: 'tube', payload: { epochs: 3 }, open: true });
  const epochEvents = async (jobId: string) =>
    (await queue.events('acme', jobId)).filter((e) => e.type === 'job.epoch').map((e) => e.data);

  it('default: each finished epoch is a job.epoch event with its result, before the count', async () => {
    const { jobId } = await openTubeJob();
    await queue.recordEpochs('acme', jobId, 0);
    await queue.recordEpochs('acme', jobId, 2, [
      { epoch: 0, result: { x: 1 } },
      { epoch: 1, result: 'one' },
    ]);
    const types = (await queue.events('acme', jobId)).map((e) => e.type);
    expect(types.slice(-3)).toEqual(['job.epoch', 'job.epoch', 'job.progress']);
    expect(await epochEvents(jobId)).toEqual([
      { epoch: 0, result: { x: 1 } },
      { epoch: 1, result: 'one' },
    ]);
  });

  it('behavior: a result over the bound is referenced (its size and where to read it), not inlined', async () => {
    const { jobId } = await openTubeJob();
    const large = 'x'.repeat(MAX_EPOCH_EVENT_BYTES);
    const fits = 'y'.repeat(MAX_EPOCH_EVENT_BYTES - 2);
    await queue.recordEpochs('acme', jobId, 2, [
      { epoch: 0, result: large },
      { epoch: 1, result: fits },
    ]);
    expect(await epochEvents(jobId)).toEqual([
      { epoch: 0, bytes: MAX_EPOCH_EVENT_BYTES + 2, stored: `/v1/jobs/${jobId}` },
      { epoch: 1, result: fits },
    ]);
  });

  it('behavior: a resumed run counting again from its start says no epoch twice', async () => {
    const { jobId } = await openTubeJob();
    await queue.recordEpochs('acme', jobId, 2, [
      { epoch: 0, result: 0 },
      { epoch: 1, result: 1 },
    ]);
    await queue.recordEpochs('acme', jobId, 0);
    await queue.recordEpochs('acme', jobId, 3, [
      { epoch: 0, result: 0 },
      { epoch: 1, result: 1 },
      { epoch: 2, result: 2 },
    ]);
    expect((await epochEvents(jobId)).map((d) => d.epoch)).toEqual([0, 1, 2]);
  });

  it('error: another tenant’s job gets no events, and a bad epoch number is refused', async () => {
    const { jobId } = await openTubeJob();
    await queue.recordEpochs('other', jobId, 1, [{ epoch: 0, result: 'secret' }]);
    expect(await epochEvents(jobId)).toEqual([]);
    await expect(queue.recordEpochs('acme', jobId, 1, [{ epoch: -1, result: 0 }])).rejects.toThrow(
      /epoch/,
    );
  });
});
