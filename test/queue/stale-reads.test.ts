import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listKeys } from '../../core/cli/key-list.ts';
import { openQueue } from '../../core/queue/open.ts';
import type { Queue } from '../../core/queue/queue.ts';
import { databaseWritable } from '../../functions/api/health.ts';
import { KeyStore } from '../../functions/api/keys.ts';
import { checkIntegrity } from '../../functions/serve/integrity.ts';
import { type IdleDroppingProxy, startIdleDroppingProxy } from './idle-dropping-proxy.ts';
import { type Sqld, startSqld } from './sqld.ts';

// The queue's reads of one statement, and the readiness probe, on a remote queue (a real
// sqld) whose kept-alive connections a proxy forgot while they were idle, as a load
// balancer past its idle timeout does: each answers as it would have on a live one.

let sqld: Sqld;
let proxy: IdleDroppingProxy;
let queue: Queue;
beforeAll(async () => {
  sqld = await startSqld();
  proxy = await startIdleDroppingProxy(sqld.url);
  queue = await openQueue(proxy.url);
});
afterAll(async () => {
  await queue?.close();
  await proxy.close();
  await sqld.stop();
});

/** `read` once on a live connection, then again once every connection went stale. */
async function beforeAndAfterStale<T>(read: () => Promise<T>): Promise<[T, T]> {
  const live = await read();
  const { dropped } = proxy;
  proxy.forgetAll();
  const stale = await read();
  // The second did meet a dropped connection (else the test proves nothing).
  expect(proxy.dropped).toBeGreaterThan(dropped);
  return [live, stale];
}

describe('a remote queue on connections dropped while idle', () => {
  it("behavior: a job's events are read as before", async () => {
    const { jobId } = await queue.submitJob({ tenant: 't', kind: 'tasks', tasks: [{ cid: 'a' }] });
    const [live, stale] = await beforeAndAfterStale(() => queue.events('t', jobId));
    expect(live.length).toBeGreaterThan(0);
    expect(stale).toEqual(live);
  });

  it('behavior: the readiness probe says the database takes writes', async () => {
    // everyMs 0: each call writes the probe (not the first's answer kept for a second).
    const writable = databaseWritable(queue.driver, 0);
    const [live, stale] = await beforeAndAfterStale(writable);
    expect(live).toEqual({ ok: true });
    expect(stale).toEqual({ ok: true });
  });

  it('behavior: the readiness probe says so too when the pool kept several connections, all dropped', async () => {
    const writable = databaseWritable(queue.driver, 0);
    // Reads at once: each on a connection of its own, all kept alive afterwards.
    const { connections } = proxy;
    await Promise.all(Array.from({ length: 6 }, () => queue.listWorkers()));
    expect(proxy.connections - connections).toBeGreaterThanOrEqual(4);
    const { dropped } = proxy;
    proxy.forgetAll();
    expect(await writable()).toEqual({ ok: true });
    expect(proxy.dropped).toBeGreaterThan(dropped);
    // And the next write of the queue does not meet one of the other dropped connections.
    await queue.registerWorker('w-after-stale', ['cpu']);
  });

  it("behavior: SQLite's quick_check of the database passes", async () => {
    await beforeAndAfterStale(() => checkIntegrity(queue.driver, proxy.url));
  });

  it('behavior: the worker list and the key list are read as before', async () => {
    await queue.registerWorker('w-stale', ['cpu']);
    const [workers] = await beforeAndAfterStale(() => queue.listWorkers());
    expect(workers.map((worker) => worker.id)).toContain('w-stale');
    await new KeyStore(queue.driver).create('t-stale');
    const [, keys] = await beforeAndAfterStale(() => listKeys(queue.driver, 't-stale'));
    expect(keys).toHaveLength(1);
  });

  it('error: a write of the queue (a registration) is not sent again: it fails by name', async () => {
    await queue.listWorkers();
    proxy.forgetAll();
    await expect(queue.registerWorker('w-lost')).rejects.toMatchObject({
      name: 'RemoteSqlError',
      code: expect.stringMatching(/^(ECONNRESET|EPIPE)$/),
    });
    expect((await queue.listWorkers()).map((worker) => worker.id)).not.toContain('w-lost');
  });
});
