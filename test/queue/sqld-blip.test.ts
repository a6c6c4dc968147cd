import { afterEach, describe, expect, it } from 'vitest';
import { openQueue } from '../../core/queue/open.ts';
import { QueuedRunner } from '../../core/runners/queued/runner.ts';
import { Coordinator, type TubeRunOutcome } from '../../functions/serve/coordinator.ts';
import { QueueWorker } from '../../functions/worker/queue-worker.ts';
import { waitingTube } from '../platform/tubes.ts';
import { startSqld } from './sqld.ts';

/**
 * A tube job whose coordinator loses its remote database (a real sqld, killed and started
 * again) for a moment in the middle of the run: the connection refused meanwhile is the
 * database's failure, not the job's, so the job waits for it and then finishes.
 */

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Polls (bounded) until `check` holds; false if it never did. */
async function until(check: () => boolean | Promise<boolean>, ms = 60_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (let i = 0; i < 6_000 && Date.now() < deadline; i++) {
    // A look that meets the database down is a no.
    if (
      await Promise.resolve()
        .then(check)
        .catch(() => false)
    )
      return true;
    await new Promise((r) => setTimeout(r, 10));
  }
  return false;
}

/**
 * A real sqld, a queue on it at `url(sqld.url)`, a worker running one call at a time (a
 * run's epochs follow each other, still running when struck) and a coordinator; what the
 * two were told went wrong, and every outcome the coordinator decided on, kept before its
 * write (one decided while sqld is down may fail to be written by luck, and is written if
 * sqld came back first).
 */
async function setUp(url: (sqldUrl: string) => string) {
  const sqld = await startSqld();
  cleanups.push(() => sqld.stop());
  const queue = await openQueue(url(sqld.url));
  cleanups.push(() => queue.close());
  const errors: unknown[] = [];
  const worker = new QueueWorker({
    queue,
    idleMs: 2,
    concurrency: 1,
    onError: (e) => errors.push(e),
  });
  await worker.start();
  cleanups.push(() => worker.stop());
  const decided: TubeRunOutcome[] = [];
  const recorded = new Set<string>();
  // How many runs the coordinator started (a run taken up again is one more).
  let runs = 0;
  const coordinator = new Coordinator({
    queue,
    pollMs: 5,
    onError: (e) => errors.push(e),
    runner: (tube, options) => {
      runs++;
      return new QueuedRunner(tube, options);
    },
    recordOutcome: async (tenant, jobId, outcome) => {
      decided.push(outcome);
      await queue.setJobOutcome(tenant, jobId, outcome);
      recorded.add(jobId);
    },
  });
  coordinator.start();
  cleanups.push(() => coordinator.stop());
  const submit = async (epochs: number) =>
    (
      await queue.submitJob({
        tenant: 't1',
        kind: 'tube',
        payload: { tube: waitingTube(0.2), inputs: {}, epochs },
        open: true,
      })
    ).jobId;
  /** Waits (bounded) until the job has more calls done than now. */
  const moves = async (jobId: string) => {
    const done = (await queue.getJob('t1', jobId)).progress.done;
    return until(async () => (await queue.getJob('t1', jobId)).progress.done > done);
  };
  return { sqld, queue, errors, decided, recorded, submit, moves, runs: () => runs };
}

// Over HTTP (noob's own client) and a WebSocket (@libsql/client): each says it lost the
// server in its own words.
const CLIENTS = [
  { name: 'http://', url: (url: string) => url, lost: /could not be reached/ },
  {
    name: 'ws://',
    url: (url: string) => url.replace(/^http/, 'ws'),
    lost: /HRANA_WEBSOCKET_ERROR/,
  },
];

describe.each(CLIENTS)('a tube job over sqld ($name), sqld restarted mid-run', (client) => {
  it('behavior: the job waits for the database to come back and succeeds, with every epoch', async () => {
    const { sqld, queue, errors, decided, recorded, submit, moves } = await setUp(client.url);
    const jobId = await submit(6);
    // Strike once the run is under way: a call done, more to come.
    expect(await moves(jobId)).toBe(true);
    expect(recorded.has(jobId)).toBe(false);
    await sqld.restart(500);

    expect(await until(() => recorded.has(jobId), 120_000)).toBe(true);
    expect(decided).toEqual([{ results: [0, 1, 2, 3, 4, 5] }]);
    // The blip was met, not missed: the database could not be reached meanwhile.
    expect(errors.map((e) => (e as Error).message)).toContainEqual(
      expect.stringMatching(client.lost),
    );
    expect((await queue.getJob('t1', jobId)).state).toBe('succeeded');
  }, 180_000);
});

describe('a tube job over sqld, restarted again and again', () => {
  it("behavior: three restarts in one run (the coordinator's loss limit) still end in its results", async () => {
    // A run the database dropped is given back, not lost: as many take-overs of a
    // coordinator that died would fail it (CoordinatorLostError, limit 3).
    const { sqld, queue, decided, recorded, submit, moves, runs } = await setUp((url) => url);
    const jobId = await submit(16);
    for (let blip = 0; blip < 3; blip++) {
      // Each strike meets a run at work, taken up again after the one before.
      expect(await until(() => runs() > blip)).toBe(true);
      expect(await moves(jobId)).toBe(true);
      await sqld.restart(300);
    }
    expect(await until(() => recorded.has(jobId), 120_000)).toBe(true);
    expect(decided).toEqual([{ results: Array.from({ length: 16 }, (_, i) => i) }]);
    expect(runs()).toBe(4);
    expect((await queue.getJob('t1', jobId)).state).toBe('succeeded');
  }, 180_000);
});
