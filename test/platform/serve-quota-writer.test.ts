import { afterEach, describe, expect, it } from 'vitest';
import { api, cleanUpServes, type ServeProcess, startServe, tempDb } from './serve-process.ts';

/**
 * `noob serve` commits submissions on its writer thread: the open-jobs quota must still
 * count the jobs it admitted that the thread has not committed yet.
 */

afterEach(cleanUpServes);

describe('noob serve quota with the writer thread', () => {
  it('error: a burst past the open-jobs quota gets no more 202s than the quota', async () => {
    const saved = process.env.NOOB_MAX_OPEN_JOBS;
    process.env.NOOB_MAX_OPEN_JOBS = '3';
    let serve: ServeProcess;
    try {
      serve = await startServe(tempDb(), ['--workers', '1']);
    } finally {
      if (saved === undefined) delete process.env.NOOB_MAX_OPEN_JOBS;
      else process.env.NOOB_MAX_OPEN_JOBS = saved;
    }
    // Long jobs (thousands of epochs), so none finishes and frees its place during the burst.
    const submit = () =>
      api(serve.url, serve.key, '/v1/jobs', {
        method: 'POST',
        body: JSON.stringify({ tube: 'testing-basic', epochs: 3_000 }),
      });
    // Clients each submitting in a loop: some requests arrive while admitted ones are
    // still on their way to the writer thread.
    const statuses: number[] = [];
    const ids: string[] = [];
    const client = async () => {
      for (let i = 0; i < 60; i++) {
        const r = await submit();
        statuses.push(r.status);
        if (r.status === 202) ids.push(r.body.id);
      }
    };
    await Promise.all(Array.from({ length: 16 }, client));
    // None of them could have finished and freed its place meanwhile.
    for (const id of ids) {
      expect((await api(serve.url, serve.key, `/v1/jobs/${id}`)).body.state).not.toMatch(
        /succeeded|failed|cancelled/,
      );
    }
    expect(statuses.filter((s) => s === 202).length).toBeLessThanOrEqual(3);
    expect(statuses.filter((s) => s !== 202 && s !== 429)).toEqual([]);
  });
});
