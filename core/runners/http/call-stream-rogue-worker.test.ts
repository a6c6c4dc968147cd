import { afterAll, describe, expect, it } from 'vitest';
import { encodeFrame, type Frame } from '../../../functions/worker/call-frames.ts';
import { startWorkerServer, type WorkerServer } from '../../../functions/worker/serve.ts';
import { HttpWorkerPool } from './pool.ts';
import {
  type Answerer,
  multiplyTask,
  type RogueWorker,
  rogueWorker,
} from './rogue-worker.fixture.ts';

/**
 * Workers that break the call stream's rules, on real TCP sockets: each switches the
 * upgrade request to a call stream and then answers the frames as `answer` decides.
 */

const closing: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const close of closing) await close();
});

async function startRogue(answer: Answerer): Promise<RogueWorker> {
  const worker = await rogueWorker(answer);
  closing.push(() => worker.close());
  return worker;
}

async function worker(): Promise<WorkerServer> {
  const server = await startWorkerServer();
  closing.push(() => server.close());
  return server;
}

/** The frame's tasks answered as `multiply` would, times `factor` (a rogue's value, told apart). */
function answerOf(frame: Frame, factor = 2, id = frame.id): Buffer {
  const tasks = JSON.parse(frame.body!.toString()) as Array<{ cid: string; inputs: any }>;
  const entries = tasks.map((t) => ({
    ok: true,
    cid: t.cid,
    outputs: { value: t.inputs.left * factor },
    exhausted: false,
  }));
  return encodeFrame(id, frame.count, JSON.stringify(entries));
}

const task = multiplyTask;

describe('call streams, runner side, against workers that break the rules', () => {
  it('behavior: answers for ids never sent are ignored, a second answer is not taken, and answers out of order reach their own calls', async () => {
    const held: Frame[] = [];
    const rogue = await startRogue((frame, socket) => {
      socket.write(answerOf(frame, 1000, frame.id + 1000));
      held.push(frame);
      if (held.length < 2) return;
      for (const one of held.splice(0).reverse()) {
        socket.write(answerOf(one));
        socket.write(answerOf(one, 1000));
      }
    });
    const pool = new HttpWorkerPool({ workers: [rogue.url], timeoutMs: 5_000 });
    const first = pool.call(task(1));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const second = pool.call(task(2));
    const values = (await Promise.all([first, second])).map((r) => r.outputs.value);
    expect(values).toEqual([2, 4]);
    expect(rogue.frames()).toBe(2);
    pool.close();
  });

  it('behavior: a worker that closes mid-answer: each of its calls runs once more, on the other worker, and only that result is taken', async () => {
    const rogue = await startRogue((frame, socket) => {
      const answer = answerOf(frame, 1000);
      socket.end(answer.subarray(0, answer.length >> 1));
      socket.destroy();
    });
    const good = await worker();
    const pool = new HttpWorkerPool({ workers: [rogue.url, good.url], token: good.token });
    const results = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => pool.call(task(i))));
    expect(results.map((r) => r.outputs.value)).toEqual([0, 2, 4, 6, 8, 10]);
    const [rogueStats, goodStats] = pool.stats();
    expect(rogue.frames()).toBeGreaterThan(0);
    expect(goodStats!.calls).toBe(6);
    expect(rogueStats!.inFlight + goodStats!.inFlight).toBe(0);
    pool.close();
  });

  it('behavior: a worker that answers another number of calls than its frame held is at fault: those calls run on another worker', async () => {
    const rogue = await startRogue((frame, socket) => {
      // As many entries as its header says, but not as many as the frame it answers held.
      const entry = { ok: true, cid: 'x', outputs: { value: -1 }, exhausted: false };
      const entries = Array.from({ length: frame.count + 1 }, () => entry);
      socket.write(encodeFrame(frame.id, entries.length, JSON.stringify(entries)));
    });
    const good = await worker();
    const pool = new HttpWorkerPool({ workers: [rogue.url, good.url], token: good.token });
    const results = await Promise.all([1, 2, 3].map((i) => pool.call(task(i))));
    expect(results.map((r) => r.outputs.value)).toEqual([2, 4, 6]);
    pool.close();
  });

  it('behavior: a worker that keeps sending answers for ids never sent, and never its own, times out: its calls run elsewhere', async () => {
    const rogue = await startRogue((frame, socket) => {
      const chatter = setInterval(() => {
        if (socket.destroyed) clearInterval(chatter);
        else socket.write(answerOf(frame, 1000, frame.id + 1000));
      }, 20);
      chatter.unref();
    });
    const good = await worker();
    const pool = new HttpWorkerPool({
      workers: [rogue.url, good.url],
      token: good.token,
      timeoutMs: 300,
    });
    const results = await Promise.all([1, 2].map((i) => pool.call(task(i))));
    expect(results.map((r) => r.outputs.value)).toEqual([2, 4]);
    expect(rogue.frames()).toBeGreaterThan(0);
    pool.close();
  }, 10_000);
});
