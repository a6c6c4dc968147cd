import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openQueue } from '../../core/queue/open.ts';
import { startPlatform } from '../../functions/serve/platform.ts';

/** How fast the platform works off a backlog of jobs. */
export interface DrainFigures {
  jobs: number;
  workers: number;
  /** Whether every job was done within the bound (5 minutes). */
  drained: boolean;
  /** Jobs done at the end. */
  done: number;
  /** Jobs already done when the platform was up (not counted in the rate). */
  doneBeforeTiming: number;
  seconds: number;
  jobsPerSecond: number;
}

/**
 * Backlog drain: `jobs` tube jobs (`testing-basic`, one epoch each) are queued first, on a
 * fresh embedded queue, then the platform `noob serve` runs (the coordinator process and
 * `workers` worker processes; no API) is started. Timed from the moment it is up (its
 * processes started) until every job succeeded; the jobs done before that moment are
 * left out of the rate. A freed coordinator slot takes the next job at once, so this is
 * the pace jobs finish at.
 */
export async function measureDrain(jobs: number, workers: number): Promise<DrainFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'noob-bench-drain-'));
  const db = join(dir, 'noob.db');
  const tube = readFileSync(
    join(import.meta.dirname, '..', '..', 'examples', 'basic', 'basic.yaml'),
    'utf8',
  );
  try {
    const queue = await openQueue(db);
    for (let i = 0; i < jobs; i++) {
      await queue.submitJob({
        tenant: `bench-${i % 4}`,
        kind: 'tube',
        payload: { tube, inputs: {}, epochs: 1 },
        open: true,
      });
    }
    await queue.close();
    const platform = await startPlatform({
      db,
      workers,
      log: (line) => process.stderr.write(`api bench, backlog drain: ${line}\n`),
      startApi: async () => ({ url: '', close: async () => {} }),
    });
    try {
      const started = performance.now();
      const succeeded = async () => {
        const { rows } = await platform.queue.driver.execute({
          sql: "SELECT count(*) AS n FROM jobs WHERE state = 'succeeded'",
          params: {},
        });
        return Number(rows[0]!.n);
      };
      const before = await succeeded();
      // Bounded: a backlog that stops draining is reported as such, with how far it got.
      const deadline = Date.now() + 300_000;
      let done = before;
      while (done < jobs && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        done = await succeeded();
      }
      if (done < jobs) {
        process.stderr.write(
          `api bench: the backlog stopped draining: ${done} of ${jobs} jobs done after 5 minutes\n`,
        );
      }
      const seconds = (performance.now() - started) / 1000;
      return {
        jobs,
        workers,
        drained: done >= jobs,
        done,
        doneBeforeTiming: before,
        seconds: Number(seconds.toFixed(2)),
        jobsPerSecond: Number(((done - before) / seconds).toFixed(1)),
      };
    } finally {
      await platform.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
