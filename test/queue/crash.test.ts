import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openQueue } from '../../core/queue/open.ts';
import { killAll, startWorker } from './processes.ts';
import { type Sqld, startSqld } from './sqld.ts';

/**
 * The queue under real worker processes sharing one database, with each driver (an
 * embedded libSQL file, a real sqld): a worker killed with SIGKILL mid-task, and three
 * workers draining 10,000 tasks.
 */

const root = mkdtempSync(join(tmpdir(), 'noob-queue-crash-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let servers: Sqld[] = [];
afterEach(async () => {
  await killAll();
  await Promise.all(servers.map((server) => server.stop()));
  servers = [];
});

let n = 0;
const DATABASES = [
  { name: 'embedded libSQL file', fresh: async () => join(root, `db${n++}`, 'noob.db') },
  {
    name: 'remote sqld',
    fresh: async () => {
      const server = await startSqld();
      servers.push(server);
      return server.url;
    },
  },
];

interface Done {
  workerId: string;
  executed: string[];
  accepted: number;
}

async function finished(worker: ReturnType<typeof startWorker>): Promise<Done> {
  const { code, stdout, stderr } = await worker.exited;
  expect(code, stderr).toBe(0);
  const line = stdout.split('\n').find((l) => l.startsWith('DONE '));
  return JSON.parse(line!.slice('DONE '.length)) as Done;
}

describe.each(DATABASES)(
  'queue crash recovery (real worker processes): $name',
  ({ fresh: freshDb }) => {
    it('behavior: a worker killed mid-task: the task runs again after its lease expires, its result accepted once', async () => {
      const db = await freshDb();
      const queue = await openQueue(db);
      const cids = Array.from({ length: 5 }, (_, i) => `task-${i}`);
      const { jobId } = await queue.submitJob({
        tenant: 't',
        kind: 'tasks',
        tasks: cids.map((cid, i) => ({ cid, input: i })),
      });

      const doomed = startWorker([db, 'doomed', 'hang', '500']);
      const taskId = Number(await doomed.line('CLAIMED'));
      doomed.child.kill('SIGKILL');
      await doomed.exited;

      const survivor = await finished(startWorker([db, 'survivor', 'drain', '30000', '2']));
      expect(survivor.executed.sort()).toEqual(cids);
      expect(survivor.accepted).toBe(5);

      // The dead worker's late report (were it to come back) is refused.
      expect(await queue.complete('doomed', taskId, 'late')).toBe(false);
      const job = await queue.getJob('t', jobId);
      expect(job.state).toBe('succeeded');
      expect(job.results).toEqual(Object.fromEntries(cids.map((cid, i) => [cid, i * 2])));
      const events = await queue.events('t', jobId);
      type Listed = { id: number; cid: string; attempt: number };
      const listed = (type: string) =>
        events
          .filter((e) => e.type === type)
          .flatMap((e) => (e.data.tasks as Listed[]).map((t) => ({ ...t, worker: e.data.worker })));
      expect(
        listed('tasks.succeeded')
          .map((t) => t.cid)
          .sort(),
      ).toEqual(cids);
      const retried = listed('tasks.leased').filter((t) => t.id === taskId);
      // A lost worker is not a node failure: the survivor's is attempt 1 again.
      expect(retried.map((t) => [t.worker, t.attempt])).toEqual([
        ['doomed', 1],
        ['survivor', 1],
      ]);
      await queue.close();
    });

    it('behavior: 3 worker processes drain 10,000 tasks with batched claims: each runs exactly once', async () => {
      const db = await freshDb();
      const queue = await openQueue(db);
      const total = 10_000;
      const { jobId } = await queue.submitJob({
        tenant: 't',
        kind: 'tasks',
        tasks: Array.from({ length: total }, (_, i) => ({ cid: `c${i}`, input: i })),
      });
      const workers = ['a', 'b', 'c'].map((id) => startWorker([db, id, 'drain', '60000', '100']));
      const done = await Promise.all(workers.map(finished));

      const executed = done.flatMap((d) => d.executed);
      expect(executed).toHaveLength(total);
      expect(new Set(executed).size).toBe(total);
      expect(done.reduce((sum, d) => sum + d.accepted, 0)).toBe(total);
      const job = await queue.getJob('t', jobId);
      expect(job.state).toBe('succeeded');
      expect(job.progress).toEqual({ total, done: total, failed: 0, cancelled: 0 });
      expect(job.results.c9999).toBe(19_998);
      const stats = await queue.stats();
      expect(stats.tasks.succeeded.NORMAL).toBe(total);
      await queue.close();
    });
  },
);
