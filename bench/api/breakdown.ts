import { closeSync, fsyncSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { TubeCheckCache } from '../../functions/api/tube-check-cache.ts';
import { checkTube } from '../../functions/api/tube-source.ts';
import type { NoobApi } from './noob.ts';

/** Mean cost of each step of one submission, timed one at a time in this process (µs). */
export interface SubmissionBreakdown {
  /** `KeyStore.verify`: one indexed read and a SHA-256. */
  authMicroseconds: number;
  /** `checkTube('testing-basic')` uncached: find it in the tube folders, read, parse and load it. */
  tubeCheckMicroseconds: number;
  /** The same check through the API's {@link TubeCheckCache}, as a request makes it. */
  cachedTubeCheckMicroseconds: number;
  /** `queue.submitJob` through the writer thread (as `noob serve` does): a message there, its group's write transaction, the log flushed to disk, the answer back. */
  commitMicroseconds: number;
  /** A 4 KiB write and fsync on a file beside the database: the disk's floor for a commit. */
  fsyncMicroseconds: number;
  /** Calls timed per step. */
  calls: number;
}

/**
 * Times the steps `POST /v1/jobs` takes for each submission, sequentially and without
 * HTTP, so the request rate can be read against them (a commit of C µs on the event loop
 * caps submissions at 1e6/C per second, whatever the concurrency).
 */
export async function timeSubmissionSteps(
  api: NoobApi,
  calls: number,
): Promise<SubmissionBreakdown> {
  const time = async (step: (i: number) => unknown): Promise<number> => {
    await step(-1); // warm: prepared statements, caches
    const started = performance.now();
    for (let i = 0; i < calls; i++) await step(i);
    return Math.round(((performance.now() - started) / calls) * 1000);
  };
  // What the API stores: the tube's text, as the check returns it.
  const { text } = await checkTube('testing-basic', {}, { tubePaths: api.tubePaths });
  const cache = new TubeCheckCache({ tubePaths: api.tubePaths });
  const probe = join(api.database, '..', 'fsync-probe');
  const fd = openSync(probe, 'w');
  const page = Buffer.alloc(4096, 1);
  try {
    return {
      authMicroseconds: await time(() => api.keys.verify(api.key)),
      tubeCheckMicroseconds: await time(() =>
        checkTube('testing-basic', {}, { tubePaths: api.tubePaths }),
      ),
      cachedTubeCheckMicroseconds: await time(() => cache.check('testing-basic', {})),
      commitMicroseconds: await time(() =>
        api.queue.submitJob({
          tenant: 'bench',
          kind: 'tube',
          payload: { tube: text, inputs: {}, epochs: 1, tags: [] },
          open: true,
        }),
      ),
      fsyncMicroseconds: await time((i) => {
        writeSync(fd, page, 0, page.length, Math.max(i, 0) * page.length);
        fsyncSync(fd);
      }),
      calls,
    };
  } finally {
    closeSync(fd);
    rmSync(probe, { force: true });
  }
}
