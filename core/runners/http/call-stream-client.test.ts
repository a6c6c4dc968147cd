import { createServer, type Socket } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { startWorkerServer, type WorkerServer } from '../../../functions/worker/serve.ts';
import { HttpWorkerPool } from './pool.ts';

const closing: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const close of closing) await close();
});

/**
 * A worker that hangs on a real TCP socket: it switches every upgrade request to a call
 * stream, reads the frames, and never answers (a worker whose event loop is stuck, or a
 * machine that stopped).
 */
async function hungWorker(): Promise<{ url: string; frames: () => number }> {
  let received = 0;
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    let upgraded = false;
    socket.on('data', () => {
      if (upgraded) received++;
      else {
        upgraded = true;
        socket.write(
          'HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: noob-calls/1\r\n\r\n',
        );
      }
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closing.push(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((done) => server.close(done));
  });
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}`, frames: () => received };
}

async function worker(): Promise<WorkerServer> {
  const server = await startWorkerServer();
  closing.push(() => server.close());
  return server;
}

const task = (i: number) => ({
  cid: `t${i}`,
  type: 'noob.testing.multiply',
  params: {},
  inputs: { left: i },
  nodeId: 'b',
  epoch: String(i),
});

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
