import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { QueuedRunner } from '../../core/runners/queued/runner.ts';
import { loadTube } from '../../core/tube/load.ts';
import { BASIC_TUBE } from '../../test/conformance/suite.ts';
import { QueueWorker } from '../worker/queue-worker.ts';
import { type ApiTestEnv, apiTestEnv } from './test-env.ts';

// `noob run --runner queued` on `noob serve`'s own database (the README's defaults) makes a
// job of its own that no coordinator drives: the API must show how it ended, not leave it
// `running` for ever because no coordinator recorded results for it.
let env: ApiTestEnv;
let worker: QueueWorker;
beforeEach(async () => {
  env = await apiTestEnv();
  worker = new QueueWorker({ queue: env.queue, idleMs: 2 });
  await worker.start();
});
afterEach(async () => {
  await worker.stop();
  await env.close();
});

/** GET `path` with acme's key, as JSON. */
async function get(path: string): Promise<Record<string, unknown>> {
  const response = await env.app.request(path, {
    headers: { authorization: `Bearer ${env.acme}` },
  });
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

describe("a developer's own queued run, seen through the job API", () => {
  it('behavior: once the run is over its job is succeeded, with a finish time, in the job and the list', async () => {
    const runner = new QueuedRunner(await loadTube(BASIC_TUBE), {
      queue: env.queue,
      tenant: 'acme',
    });
    expect(await runner.run(3)).toEqual([0, 2, 4]);
    const jobId = runner.jobId!;
    await runner.deinit();

    const job = await get(`/v1/jobs/${jobId}`);
    expect(job).toMatchObject({ state: 'succeeded', tube: { noobId: 'testing-basic' } });
    expect(job.finishedAt).toEqual(expect.any(String));
    const list = (await get('/v1/jobs')) as { jobs: Array<{ id: string; state: string }> };
    expect(list.jobs.find((row) => row.id === jobId)?.state).toBe('succeeded');
  });
});
