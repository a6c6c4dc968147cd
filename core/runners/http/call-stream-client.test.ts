import { afterAll, describe, expect, it } from 'vitest';
import { startWorkerServer, type WorkerServer } from '../../../functions/worker/serve.ts';
import { HttpWorkerPool } from './pool.ts';
import { multiplyTask, rogueWorker } from './rogue-worker.fixture.ts';

const closing: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const close of closing) await close();
});

/** A worker that reads the frames and never answers (its event loop stuck, or its machine stopped). */
async function hungWorker() {
  const hung = await rogueWorker();
  closing.push(() => hung.close());
  return hung;
}

async function worker(): Promise<WorkerServer> {
  const server = await startWorkerServer();
  closing.push(() => server.close());
  return server;
}

const task = multiplyTask;

describe('call streams, runner side', () => {
  it('behavior: a batch a worker never answers fails after the timeout and runs on another worker', async () => {
    const hung = await hungWorker();
    const good = await worker();
    const pool = new HttpWorkerPool({
      workers: [hung.url, good.url],
      token: good.token,
      timeoutMs: 300,
    });
    const results = await Promise.all([0, 1, 2, 3].map((i) => pool.call(task(i))));
    expect(results.map((r) => r.outputs.value)).toEqual([0, 2, 4, 6]);
    expect(hung.frames()).toBeGreaterThan(0);
    const [hungStats, goodStats] = pool.stats();
    expect(hungStats!.inFlight + goodStats!.inFlight).toBe(0);
    expect(goodStats!.calls).toBe(4);
    pool.close();
  });

  it('behavior: a worker that restarts on the same port: the next batch opens a new stream', async () => {
    const first = await startWorkerServer();
    const port = Number(new URL(first.url).port);
    const pool = new HttpWorkerPool({ workers: [first.url], token: first.token });
    expect((await pool.call(task(1))).outputs.value).toBe(2);
    await first.close();
    const again = await startWorkerServer({ port, token: first.token });
    closing.push(() => again.close());
    expect((await pool.call(task(2))).outputs.value).toBe(4);
    pool.close();
  });

  it('error: a token the worker refuses rejects the calls with the 401, naming the worker', async () => {
    const good = await worker();
    const pool = new HttpWorkerPool({ workers: [good.url], token: 'not-the-token-at-all' });
    const error: any = await pool.call(task(1)).catch((e: unknown) => e);
    expect(error.name).toBe('TaskRejectedError');
    expect(error.status).toBe(401);
    expect(error.message).toContain(good.url);
    pool.close();
  });
});
