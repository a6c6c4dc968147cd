import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, describe, expect, it } from 'vitest';
import { createWorkerApp } from '../../../functions/worker/app.ts';
import { NoWorkerAvailableError, RemoteNodeError, TaskRejectedError } from './errors.ts';
import { HttpWorkerPool } from './pool.ts';
import { multiplyTask } from './rogue-worker.fixture.ts';

/** Real HTTP servers on loopback: a worker app, optionally slowed or failing. */
const servers: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const close of servers) await close();
});

async function startServer(
  behaviour: { delayMs?: number; failing?: () => boolean } = {},
): Promise<string> {
  const worker = createWorkerApp();
  const app = new Hono();
  app.all('*', async (c) => {
    if (behaviour.failing?.())
      return c.json({ error: { code: 'broken', message: 'worker broken' } }, 500);
    if (behaviour.delayMs) await new Promise((resolve) => setTimeout(resolve, behaviour.delayMs));
    return worker.fetch(c.req.raw);
  });
  return new Promise((resolve) => {
    const server = serve(
      { fetch: app.fetch, port: 0, hostname: '127.0.0.1' },
      (info: AddressInfo) => {
        servers.push(() => new Promise((done) => server.close(() => done())));
        resolve(`http://127.0.0.1:${info.port}`);
      },
    );
  });
}

const task = (i: number, type = 'noob.testing.multiply') => ({ ...multiplyTask(i), type });

describe('HttpWorkerPool', () => {
  it('default: runs calls on real workers and spreads them round-robin', async () => {
    const pool = new HttpWorkerPool({ workers: [await startServer(), await startServer()] });
    const results = await Promise.all([0, 1, 2, 3].map((i) => pool.call(task(i))));
    expect(results.map((r) => r.outputs.value)).toEqual([0, 2, 4, 6]);
    expect(pool.stats().map((s) => s.calls)).toEqual([2, 2]);
  });

  it('behavior: a worker answering 500s trips its breaker and gets no traffic until it recovers', async () => {
    let broken = true;
    const bad = await startServer({ failing: () => broken });
    const good = await startServer();
    let now = 0;
    const pool = new HttpWorkerPool({
      workers: [bad, good],
      breaker: { failureThreshold: 2, cooldownMs: 1000, now: () => now },
    });
    for (let i = 0; i < 10; i++) expect((await pool.call(task(i))).outputs.value).toBe(2 * i);
    const [badStats, goodStats] = pool.stats();
    expect(badStats!.breaker).toBe('open');
    expect(badStats!.calls).toBe(2);
    expect(goodStats!.calls).toBe(10);
    broken = false;
    now = 1000;
    for (let i = 0; i < 4; i++) await pool.call(task(i));
    expect(pool.stats()[0]!.breaker).toBe('closed');
    expect(pool.stats()[0]!.calls).toBeGreaterThan(2);
  });

  it('behavior: under fastest-response a slowed worker gets fewer calls than the fast one', async () => {
    const pool = new HttpWorkerPool({
      workers: [await startServer({ delayMs: 40 }), await startServer()],
      strategy: 'fastest-response',
    });
    for (let i = 0; i < 20; i++) await pool.call(task(i));
    const [slow, fast] = pool.stats();
    expect(slow!.calls).toBeLessThan(fast!.calls);
  });

  it('behavior: a sticky key keeps a stateful node on one worker', async () => {
    const pool = new HttpWorkerPool({ workers: [await startServer(), await startServer()] });
    const count = (i: number) =>
      pool.call(
        { ...task(i, 'noob.testing.count_source'), inputs: {}, instance: 'src' },
        { stickyKey: 'src' },
      );
    const values = [];
    for (let i = 0; i < 4; i++) values.push((await count(i)).outputs.index);
    expect(values).toEqual([0, 1, 2, 3]);
  });

  it('error: a node failure is not retried and does not trip the breaker', async () => {
    const pool = new HttpWorkerPool({
      workers: [await startServer(), await startServer()],
      breaker: { failureThreshold: 1 },
    });
    const error = await pool
      .call({ ...task(1, 'noob.testing.error'), inputs: { value: 1 } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteNodeError);
    expect((error as Error).message).toMatch(/This node just emits errors/);
    expect(pool.stats().map((s) => s.breaker)).toEqual(['closed', 'closed']);
    expect(pool.stats().reduce((sum, s) => sum + s.calls, 0)).toBe(1);
  });

  it('error: an unknown node type is rejected with its status and code', async () => {
    const pool = new HttpWorkerPool({ workers: [await startServer()] });
    const error = await pool.call(task(1, 'noob.testing.nope')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TaskRejectedError);
    expect((error as TaskRejectedError).status).toBe(404);
  });

  it('error: with every worker down the call fails with NoWorkerAvailableError', async () => {
    const pool = new HttpWorkerPool({
      workers: ['http://127.0.0.1:9', await startServer({ failing: () => true })],
      timeoutMs: 2000,
    });
    const error = await pool.call(task(1)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NoWorkerAvailableError);
    expect((error as Error).message).toMatch(/node b in epoch 1/);
  });

  it('behavior: calls made together travel together: one worker gets 12 calls in few requests', async () => {
    const pool = new HttpWorkerPool({ workers: [await startServer()] });
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => pool.call(task(i))));
    expect(results.map((r) => r.outputs.value)).toEqual(
      Array.from({ length: 12 }, (_, i) => 2 * i),
    );
    const [stats] = pool.stats();
    expect(stats!.calls).toBe(12);
    expect(stats!.requests).toBeLessThanOrEqual(2);
  });

  it('behavior: calls of one sticky key sent at once all reach its one worker, in order', async () => {
    const pool = new HttpWorkerPool({ workers: [await startServer(), await startServer()] });
    pool.pin('other'); // the first worker holds another instance: this one goes to the second
    const calls = [0, 1, 2, 3].map((i) =>
      pool.call(
        { ...task(i, 'noob.testing.count_source'), inputs: {}, instance: 'src' },
        { stickyKey: 'src' },
      ),
    );
    expect((await Promise.all(calls)).map((r) => r.outputs.index)).toEqual([0, 1, 2, 3]);
    expect(pool.stats().map((s) => s.calls)).toEqual([0, 4]);
  });

  it("behavior: a batch over the worker's body limit is split until its parts fit; a call too large alone is rejected (413)", async () => {
    const worker = createWorkerApp({ maxBodyBytes: 2048 });
    const server = await new Promise<string>((resolve) => {
      const running = serve(
        { fetch: worker.fetch, port: 0, hostname: '127.0.0.1' },
        (info: AddressInfo) => {
          servers.push(() => new Promise((done) => running.close(() => done())));
          resolve(`http://127.0.0.1:${info.port}`);
        },
      );
    });
    const pool = new HttpWorkerPool({ workers: [server] });
    const text = (i: number, size: number) => ({
      ...task(i, 'noob.testing.exclaim'),
      inputs: { string: `${i}`.padEnd(size, '.') },
    });
    const fitting = await Promise.all([0, 1, 2, 3].map((i) => pool.call(text(i, 600))));
    expect(fitting.map((r) => (r.outputs.value as string).endsWith('!'))).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(pool.stats()[0]!.requests).toBeGreaterThan(1);
    const error = await pool.call(text(9, 4096)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TaskRejectedError);
    expect((error as TaskRejectedError).status).toBe(413);
    expect(pool.stats()[0]!.inFlight).toBe(0);
  });
  it('behavior: under least-loaded a slowed worker takes fewer calls; every call is answered once', async () => {
    const pool = new HttpWorkerPool({
      workers: [await startServer({ delayMs: 40 }), await startServer()],
      strategy: 'least-loaded',
    });
    const results = await Promise.all(Array.from({ length: 48 }, (_, i) => pool.call(task(i))));
    expect(results.map((r) => r.outputs.value)).toEqual(
      Array.from({ length: 48 }, (_, i) => 2 * i),
    );
    const [slow, fast] = pool.stats();
    expect(slow!.calls + fast!.calls).toBe(48);
    expect(slow!.calls).toBeLessThan(fast!.calls);
    expect(slow!.inFlight + fast!.inFlight).toBe(0);
  });

  it('behavior: under least-loaded the calls a dead worker took are run by the other', async () => {
    const pool = new HttpWorkerPool({
      workers: ['http://127.0.0.1:9', await startServer()],
      strategy: 'least-loaded',
      timeoutMs: 2000,
    });
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => pool.call(task(i))));
    expect(results.map((r) => r.outputs.value)).toEqual(
      Array.from({ length: 20 }, (_, i) => 2 * i),
    );
  });

  it('error: under least-loaded with every worker down each waiting call fails with NoWorkerAvailableError', async () => {
    const pool = new HttpWorkerPool({
      workers: ['http://127.0.0.1:9', await startServer({ failing: () => true })],
      strategy: 'least-loaded',
      breaker: { failureThreshold: 1, cooldownMs: 60_000 },
      timeoutMs: 2000,
    });
    const outcomes = await Promise.all(
      Array.from({ length: 30 }, (_, i) => pool.call(task(i)).catch((e: unknown) => e)),
    );
    for (const outcome of outcomes) expect(outcome).toBeInstanceOf(NoWorkerAvailableError);
  });
});
