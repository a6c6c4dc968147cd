import { afterEach, describe, expect, it } from 'vitest';
import { type Sqld, startSqld } from '../../test/queue/sqld.ts';
import { openQueue } from './open.ts';

let server: Sqld | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

/** A wait that ends with the version past `since`, or says `'timer'` when it ended by its timer. */
function outcome(wait: Promise<void>, version: () => number, since: number) {
  return wait.then(() => (version() > since ? 'woken' : 'timer'));
}

describe('QueueChanges on a server that announces no commits', () => {
  it('behavior: this process’s own submission and results wake its waiters at once; another client’s commit is left to their poll', async () => {
    server = await startSqld();
    const [queue, other] = await Promise.all([openQueue(server.url), openQueue(server.url)]);
    try {
      const changes = queue.changes;
      expect(changes.live).toBe(false);
      const version = () => changes.version;

      // Another process's submission: nothing here can know of it.
      let since = changes.version;
      await other.submitJob({ tenant: 't', kind: 'tasks', tasks: [{ cid: 'theirs' }] });
      expect(changes.version).toBe(since);

      // This process's submission: a coordinator waiting here looks at once.
      since = changes.version;
      const submitted = outcome(changes.wait(since, 10_000), version, since);
      await queue.submitJob({ tenant: 't', kind: 'tasks', tasks: [{ cid: 'ours' }] });
      expect(await submitted).toBe('woken');

      // This process's results: a runner waiting for them here reads them at once.
      const [task] = await queue.claim({ workerId: 'w1', max: 1 });
      since = changes.version;
      const completed = outcome(changes.wait(since, 10_000), version, since);
      await queue.completeMany('w1', [{ taskId: task!.id, result: 1 }]);
      expect(await completed).toBe('woken');
    } finally {
      await Promise.all([queue.close(), other.close()]);
    }
  });
});
