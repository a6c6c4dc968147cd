import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { multiplyTask } from '../../core/runners/http/rogue-worker.fixture.ts';
import { encodeFrame, FrameReader } from './call-frames.ts';
import { startWorkerServer, type WorkerServer } from './serve.ts';

/**
 * A hostile or broken runner on a raw TCP socket against a real worker server: every
 * byte it sends is chosen here, nothing goes through the project's own client.
 */

const open: Array<() => Promise<void>> = [];
afterEach(async () => {
  // Sockets first: a worker closes once its connections have.
  for (const close of open.splice(0).reverse()) await close();
});

async function worker(options: Parameters<typeof startWorkerServer>[0] = {}) {
  const server = await startWorkerServer(options);
  open.push(() => server.close());
  return server;
}

/** Sends `request` raw; resolves with the socket and the answer's head once it has one. */
function raw(server: WorkerServer, request: string): Promise<{ socket: Socket; head: string }> {
  const { port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1');
    open.push(async () => void socket.destroy());
    let seen = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      seen = Buffer.concat([seen, chunk]);
      const end = seen.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      socket.pause();
      const rest = seen.subarray(end + 4);
      if (rest.length > 0) socket.unshift(rest);
      resolve({ socket, head: seen.subarray(0, end).toString() });
    };
    socket.on('data', onData);
    socket.on('error', reject);
    socket.write(request);
  });
}

const upgrade = (server: WorkerServer, extra = '') =>
  raw(
    server,
    `GET /v1/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${server.token}\r\n` +
      `Connection: Upgrade\r\nUpgrade: noob-calls/1\r\n${extra}\r\n`,
  );

/** Reads `count` answer frames from `socket` (bounded by the stream's end). */
function answers(socket: Socket, count: number) {
  const reader = new FrameReader(64 * 1024 * 1024);
  const frames: ReturnType<FrameReader['push']> = [];
  return new Promise<typeof frames>((resolve, reject) => {
    socket.on('data', (chunk: Buffer) => {
      frames.push(...reader.push(chunk));
      if (frames.length >= count) resolve(frames);
    });
    socket.on('close', () => reject(new Error(`stream closed after ${frames.length} frames`)));
    socket.resume();
  });
}

/** Whether `socket` gets closed by the other side (bounded wait). */
function closes(socket: Socket): Promise<boolean> {
  return new Promise((resolve) => {
    if (socket.destroyed) return resolve(true);
    const timer = setTimeout(() => resolve(false), 5_000);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
    socket.resume();
  });
}

const multiply = (cid: string, left: number) => ({ ...multiplyTask(left), cid });

describe('worker call streams under abuse (raw sockets against a real worker)', () => {
  it('error: an upgrade with another protocol, or to another path, never switches', async () => {
    const server = await worker();
    const other = await raw(
      server,
      `GET /v1/stream HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${server.token}\r\n` +
        'Connection: upgrade\r\nUpgrade: websocket\r\n\r\n',
    );
    expect(other.head).toMatch(/^HTTP\/1.1 426/);
    const path = await raw(
      server,
      `GET /v1/batch HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${server.token}\r\n` +
        'Connection: Upgrade\r\nUpgrade: noob-calls/1\r\n\r\n',
    );
    expect(path.head).toMatch(/^HTTP\/1.1 404/);
    const page = await upgrade(server, 'Origin: http://127.0.0.1:1\r\n');
    expect(page.head).toMatch(/^HTTP\/1.1 403/);
    expect(await closes(page.socket)).toBe(true);
  });

  it('error: a second upgrade request on a switched connection is skipped as a frame, and the runner ending its side ends the stream', async () => {
    const server = await worker();
    const { socket, head } = await upgrade(server);
    expect(head).toMatch(/^HTTP\/1.1 101/);
    socket.write(
      `GET /v1/stream HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${server.token}\r\n` +
        'Connection: Upgrade\r\nUpgrade: noob-calls/1\r\n\r\n',
    );
    // "GET " read as a length of about 1.2 GB is skipped, but "stre" as a count is no batch.
    socket.end();
    expect(await closes(socket)).toBe(true);
  });

  it('error: a header with no calls, or more than a batch holds, ends the stream', async () => {
    const server = await worker();
    for (const count of [0, 0xffffffff]) {
      const { socket } = await upgrade(server);
      socket.write(encodeFrame(1, count, '[]'));
      expect(await closes(socket)).toBe(true);
    }
  });

  it('behavior: empty, non-JSON and miscounted bodies are each answered 400 per call, and the stream goes on', async () => {
    const server = await worker();
    const { socket } = await upgrade(server);
    const got = answers(socket, 4);
    socket.write(
      Buffer.concat([
        encodeFrame(7, 2, ''),
        encodeFrame(8, 1, '{nope'),
        encodeFrame(9, 3, JSON.stringify([multiply('a', 1)])),
        encodeFrame(7, 1, JSON.stringify([multiply('b', 4)])),
      ]),
    );
    const frames = await got;
    const bodies = frames.map((frame) => ({
      id: frame.id,
      entries: JSON.parse(frame.body!.toString()),
    }));
    expect(bodies.map(({ id }) => id).sort()).toEqual([7, 7, 8, 9]);
    const byCode = bodies.flatMap(({ entries }) => entries.map((entry: any) => entry.code ?? 'ok'));
    expect(byCode.sort()).toEqual([
      'invalid_json',
      'invalid_json',
      'invalid_json',
      'invalid_request',
      'invalid_request',
      'invalid_request',
      'ok',
    ]);
  });

  it('behavior: a header claiming 4 GiB is skipped as it arrives and answered 413, and the next frame runs', async () => {
    const server = await worker({ maxBodyBytes: 1024 });
    const { socket } = await upgrade(server);
    const got = answers(socket, 1);
    const header = Buffer.alloc(12);
    header.writeUInt32BE(0xffffffff, 0);
    header.writeUInt32BE(5, 4);
    header.writeUInt32BE(2, 8);
    socket.write(header);
    socket.write(Buffer.alloc(256 * 1024));
    // Nothing answered yet: the worker is still skipping the body.
    const [refused] = await Promise.race([
      got,
      new Promise<never[]>((resolve) => setTimeout(() => resolve([]), 300)),
    ]);
    expect(refused).toBeUndefined();
    socket.destroy();
    const next = await upgrade(server);
    const answered = answers(next.socket, 1);
    next.socket.write(encodeFrame(1, 1, JSON.stringify([multiply('a', 2)])));
    const [frame] = await answered;
    expect(JSON.parse(frame!.body!.toString())[0]).toMatchObject({
      ok: true,
      outputs: { value: 4 },
    });
  });

  it('behavior: frames beyond the worker capacity are answered 503 busy, the others run', async () => {
    const server = await worker({ capacity: 1 });
    const { socket } = await upgrade(server);
    const slow = {
      ...multiply('s', 0),
      type: 'noob.testing.just_wait',
      inputs: { value: 1, wait_for: 0.2 },
    };
    const got = answers(socket, 3);
    socket.write(
      Buffer.concat([
        encodeFrame(1, 1, JSON.stringify([slow])),
        encodeFrame(2, 1, JSON.stringify([multiply('b', 1)])),
        encodeFrame(3, 1, JSON.stringify([multiply('c', 1)])),
      ]),
    );
    const frames = await got;
    const entry = (id: number) =>
      JSON.parse(frames.find((frame) => frame.id === id)!.body!.toString())[0];
    expect(entry(1)).toMatchObject({ ok: true, outputs: { value: 1 } });
    expect(entry(2)).toMatchObject({ ok: false, status: 503, code: 'busy' });
    expect(entry(3)).toMatchObject({ ok: false, status: 503, code: 'busy' });
  });

  it('behavior: a runner that never reads its answers stops being read; the worker does not buffer answers without bound', async () => {
    const server = await worker({ capacity: 1 });
    const { socket } = await upgrade(server);
    // Each 13-byte frame of 1,024 calls that is not JSON earns an answer of about 70 KB:
    // 3,000 of them would be some 200 MB held for a runner that does not read.
    const frames = 3_000;
    const before = process.memoryUsage().arrayBuffers;
    let peak = 0;
    socket.write(
      Buffer.concat(Array.from({ length: frames }, (_, i) => encodeFrame(i, 1024, 'x'))),
    );
    for (let i = 0; i < 20; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      peak = Math.max(peak, process.memoryUsage().arrayBuffers - before);
    }
    expect(peak).toBeLessThan(64 * 1024 * 1024);
    // Read now: every frame is answered, none dropped.
    const reader = new FrameReader(1024 * 1024);
    let answered = 0;
    await new Promise<void>((resolve, reject) => {
      socket.on('data', (chunk: Buffer) => {
        answered += reader.push(chunk).length;
        if (answered === frames) resolve();
      });
      socket.on('close', () => reject(new Error(`closed after ${answered} answers`)));
      socket.resume();
    });
    expect(answered).toBe(frames);
  });
});
