import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { api, cleanUpServes, startServe as serve, tempDb, waitForJob } from './serve-process.ts';

afterEach(cleanUpServes);

describe('noob serve', () => {
  it('default: the printed curl example runs basic for 5 epochs and returns [0,2,4,6,8]; SIGTERM exits 0', async () => {
    const { child, url, key, output } = await serve(tempDb());
    const example = /-d '(.+)'/.exec(output)![1]!;
    const submitted = await api(url, key, '/v1/jobs', { method: 'POST', body: example });
    expect(submitted.status).toBe(202);
    const job = await waitForJob(url, key, submitted.body.id);
    expect(job.state).toBe('succeeded');
    expect(job.results).toEqual([0, 2, 4, 6, 8]);
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  });

  it('behavior: kill -9 under load, restart: every job that got a 202 completes, none lost or duplicated', async () => {
    const db = tempDb();
    const first = await serve(db);
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      const { status, body } = await api(first.url, first.key, '/v1/jobs', {
        method: 'POST',
        body: JSON.stringify({ tube: 'testing-basic', epochs: 20, idempotencyKey: `job-${i}` }),
      });
      expect(status).toBe(202);
      ids.push(body.id);
    }
    first.child.kill('SIGKILL');
    await once(first.child, 'exit');
    const second = await serve(db);
    for (const [i, id] of ids.entries()) {
      const job = await waitForJob(second.url, second.key, id);
      expect(job.state, `job ${i}`).toBe('succeeded');
      expect(job.results).toEqual(Array.from({ length: 20 }, (_, n) => 2 * n));
      expect(job.progress.done).toBe(20);
    }
    // Resubmitting with the same idempotency key gives the same job, not a new one.
    const again = await api(second.url, second.key, '/v1/jobs', {
      method: 'POST',
      body: JSON.stringify({ tube: 'testing-basic', epochs: 20, idempotencyKey: 'job-0' }),
    });
    expect(again.body.id).toBe(ids[0]);
  });
});
