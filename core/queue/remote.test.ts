import { afterEach, describe, expect, it } from 'vitest';
import { type Sqld, startSqld } from '../../test/queue/sqld.ts';
import { openDriver, openQueue } from './open.ts';
import { describeQueueSuite } from './queue.suite.ts';

// One real sqld per test (it starts in well under a second): every test gets an empty
// database, as the suite requires.
let servers: Sqld[] = [];
afterEach(async () => {
  await Promise.all(servers.map((server) => server.stop()));
  servers = [];
});

async function freshServer(): Promise<Sqld> {
  const server = await startSqld();
  servers.push(server);
  return server;
}

describeQueueSuite('remote sqld', async () => openDriver((await freshServer()).url));

describe('remote driver', () => {
  it('behavior: two clients on one server share the queue; a task is claimed once', async () => {
    const { url } = await freshServer();
    const [a, b] = await Promise.all([openQueue(url), openQueue(url)]);
    const { jobId } = await a.submitJob({
      tenant: 't',
      kind: 'tasks',
      tasks: Array.from({ length: 50 }, (_, i) => ({ cid: `c${i}` })),
    });
    const claims = await Promise.all(
      Array.from({ length: 6 }, (_, i) => (i % 2 ? a : b).claim({ workerId: `w${i}`, max: 10 })),
    );
    const ids = claims.flat().map((t) => t.id);
    expect(ids).toHaveLength(50);
    expect(new Set(ids).size).toBe(50);
    expect((await b.getJob('t', jobId)).state).toBe('running');
    await Promise.all([a.close(), b.close()]);
  });

  it('error: an unreachable server fails the open with the driver error', async () => {
    const { url, stop } = await freshServer();
    await stop();
    await expect(openDriver(url)).rejects.toThrow();
  });
});
