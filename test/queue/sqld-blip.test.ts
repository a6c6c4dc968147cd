import { afterEach, describe, expect, it } from 'vitest';
import { openQueue } from '../../core/queue/open.ts';
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
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 10));
  }
  return false;
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
    const sqld = await startSqld();
    cleanups.push(() => sqld.stop());
    const queue = await openQueue(client.url(sqld.url));
    cleanups.push(() => queue.close());
    const errors: unknown[] = [];
    // One call at a time: the run's epochs follow each other, still running when struck.
    const worker = new QueueWorker({
      queue,
      idleMs: 2,
      concurrency: 1,
      onError: (e) => errors.push(e),
    });
    await worker.start();
    cleanups.push(() => worker.stop());
    const outcomes = new Map<string, TubeRunOutcome>();
    // Every outcome the coordinator decided on, kept before its write: one decided while
    // sqld is down may fail to be written by luck, and is written if sqld came back first.
    const decided: TubeRunOutcome[] = [];
    const coordinator = new Coordinator({
      queue,
      pollMs: 5,
      onError: (e) => errors.push(e),
      recordOutcome: async (tenant, jobId, outcome) => {
        decided.push(outcome);
        await queue.setJobOutcome(tenant, jobId, outcome);
        outcomes.set(jobId, outcome);
      },
    });
    coordinator.start();
    cleanups.push(() => coordinator.stop());

    const epochs = 6;
    const { jobId } = await queue.submitJob({
      tenant: 't1',
      kind: 'tube',
      payload: { tube: waitingTube(0.2), inputs: {}, epochs },
      open: true,
    });
    // Strike once the run is under way: a call done, more to come.
    expect(await until(async () => (await queue.getJob('t1', jobId)).progress.done >= 1)).toBe(
      true,
    );
    expect(outcomes.has(jobId)).toBe(false);
    await sqld.restart(500);

    expect(await until(() => outcomes.has(jobId), 120_000)).toBe(true);
    expect(decided).toEqual([{ results: [0, 1, 2, 3, 4, 5] }]);
    // The blip was met, not missed: the database could not be reached meanwhile.
    expect(errors.map((e) => (e as Error).message)).toContainEqual(
      expect.stringMatching(client.lost),
    );
    const job = await queue.getJob('t1', jobId);
    expect(job.state).toBe('succeeded');
  }, 180_000);
});
