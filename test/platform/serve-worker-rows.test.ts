import { afterEach, describe, expect, it } from 'vitest';
import { openQueue } from '../../core/queue/open.ts';
import { api, cleanUpServes, eventually, startServe, tempDb } from './serve-process.ts';

afterEach(cleanUpServes);

/** Whether a process is still running. */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('worker rows after noob serve dies', () => {
  it('behavior: noob serve killed with -9: its workers exit and leave the worker list', async () => {
    const db = tempDb();
    const serve = await startServe(db);
    const listed = await api(serve.url, serve.key, '/v1/workers');
    expect(listed.body.workers).toHaveLength(2);
    serve.child.kill('SIGKILL');
    await eventually('the workers to exit', async () =>
      serve.workerPids.some(running) ? undefined : true,
    );
    const queue = await openQueue(db);
    try {
      expect(await queue.listWorkers()).toEqual([]);
    } finally {
      await queue.close();
    }
  });

  it('behavior: rows of workers unseen for NOOB_WORKER_DEAD_MS (killed without a word) are gone once serve starts', async () => {
    const db = tempDb();
    const queue = await openQueue(db);
    try {
      await queue.registerWorker('ghost-of-a-killed-server', []);
      // Last seen two minutes ago: its process was killed along with its server.
      await queue.driver.execute({
        sql: 'UPDATE workers SET last_seen_at = ? WHERE id = ?',
        params: [Date.now() - 120_000, 'ghost-of-a-killed-server'],
      });
    } finally {
      await queue.close();
    }
    const serve = await startServe(db);
    const { body } = await api(serve.url, serve.key, '/v1/workers');
    const ids = (body.workers as Array<{ id: string }>).map((w) => w.id);
    expect(ids).toHaveLength(2);
    expect(ids).not.toContain('ghost-of-a-killed-server');
  });
});
