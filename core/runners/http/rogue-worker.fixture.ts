import { createServer, type Socket } from 'node:net';
import { type Frame, FrameReader } from '../../../functions/worker/call-frames.ts';

/** What a {@link rogueWorker} does with each frame it reads. */
export type Answerer = (frame: Frame, socket: Socket) => void;

/** A worker on a real TCP socket that breaks the call stream's rules as told. */
export interface RogueWorker {
  url: string;
  /** Frames read so far. */
  frames(): number;
  close(): Promise<void>;
}

/**
 * A worker that switches every upgrade request to a call stream and then hands each frame
 * it reads to `answer` (which may answer nothing: a worker whose event loop is stuck, or
 * a machine that stopped; twice; for other ids; half a frame…).
 */
export async function rogueWorker(answer: Answerer = () => {}): Promise<RogueWorker> {
  let received = 0;
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    const reader = new FrameReader(1024 * 1024);
    let upgraded = false;
    socket.on('data', (chunk: Buffer) => {
      if (!upgraded) {
        upgraded = true;
        socket.write(
          'HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: noob-calls/1\r\n\r\n',
        );
        return;
      }
      for (const frame of reader.push(chunk)) {
        received++;
        answer(frame, socket);
      }
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    frames: () => received,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((done) => server.close(done));
    },
  };
}

/** Call `i` of a `multiply` node (its value: `2 * i`), for a pool to send. */
export const multiplyTask = (i: number) => ({
  cid: `t${i}`,
  type: 'noob.testing.multiply',
  params: {},
  inputs: { left: i },
  nodeId: 'b',
  epoch: String(i),
});
