import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import type { BatchEntry } from '../../../functions/worker/batch.ts';
import {
  CALL_STREAM_PROTOCOL,
  encodeFrame,
  FrameReader,
} from '../../../functions/worker/call-frames.ts';
import type { TaskRequest } from '../../../functions/worker/task.ts';
import { type JsonResponse, readJsonResponse } from './transport.ts';

/**
 * Largest answer frame read: a batch's results (each bounded by the worker) together.
 * Past it the frame is skipped and its calls fail as the worker's fault.
 */
const MAX_ANSWER_BYTES = 256 * 1024 * 1024;

/** An answer awaited for a frame sent. */
interface Waiting {
  /** Calls in the frame sent: its answer must hold as many. */
  count: number;
  resolve(response: JsonResponse): void;
  reject(error: unknown): void;
}

/** What opening a stream came to: the stream, or the worker's HTTP answer instead. */
export type OpenedStream = { stream: CallStreamClient } | { refused: JsonResponse };

/**
 * Asks the worker at `url` for a call stream (`GET /v1/stream`, `Upgrade: noob-calls/1`,
 * with the token). Resolves with the stream, or with the worker's answer when it did not
 * switch (a refusal such as 401, or 404/426 from a worker without streams); rejects on
 * network errors and when no answer comes within `timeoutMs`.
 */
export function openCallStream(
  url: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<OpenedStream> {
  const target = new URL(`${url}/v1/stream`);
  const secure = target.protocol === 'https:';
  return new Promise((resolve, reject) => {
    const request = (secure ? https : http).request(target, {
      method: 'GET',
      agent: false,
      headers: { ...headers, connection: 'Upgrade', upgrade: CALL_STREAM_PROTOCOL },
      timeout: timeoutMs,
    });
    request.on('upgrade', (response, socket, head) => {
      if (response.headers.upgrade !== CALL_STREAM_PROTOCOL) {
        socket.destroy();
        reject(
          new Error(`${url} switched to ${response.headers.upgrade}, not ${CALL_STREAM_PROTOCOL}`),
        );
        return;
      }
      socket.setNoDelay(true);
      socket.setTimeout(0);
      resolve({ stream: new CallStreamClient(url, socket, head, timeoutMs) });
    });
    request.on('response', (response) =>
      readJsonResponse(response).then((refused) => resolve({ refused }), reject),
    );
    request.on('timeout', () =>
      request.destroy(new Error(`no answer from ${target.origin} within ${timeoutMs} ms`)),
    );
    request.on('error', reject);
    request.end();
  });
}

/**
 * The runner's end of a call stream (see `functions/worker/call-frames.ts`): each batch
 * goes out as one frame and its answer comes back as the `POST /v1/batch` answer would
 * (`{results}`, or the status the worker gave the whole batch: 413, 503), so the link
 * treats both alike. When the connection is lost, or nothing comes back within
 * `timeoutMs` while answers are awaited, every awaited batch is rejected (the worker's
 * fault: its calls may go elsewhere) and the stream is closed; the next batch opens
 * another. The connection keeps the process alive only while answers are awaited.
 */
export class CallStreamClient {
  readonly #url: string;
  readonly #socket: Socket;
  readonly #reader = new FrameReader(MAX_ANSWER_BYTES);
  readonly #waiting = new Map<number, Waiting>();
  readonly #timeoutMs: number;
  #timer: NodeJS.Timeout | undefined;
  /** When the worker last answered, or when it was sent a frame with none awaited. */
  #heard = 0;
  #nextId = 1;
  #lost: Error | undefined;

  constructor(url: string, socket: Socket, head: Buffer, timeoutMs: number) {
    this.#url = url;
    this.#socket = socket;
    this.#timeoutMs = timeoutMs;
    socket.on('data', (chunk: Buffer) => this.#read(chunk));
    socket.on('error', (error) => this.#fail(error));
    socket.once('close', () => this.#fail(new Error(`the call stream to ${url} closed`)));
    socket.unref();
    if (head.length > 0) this.#read(head);
  }

  /** Whether batches can still be sent on it. */
  get open(): boolean {
    return this.#lost === undefined;
  }

  /** Sends a batch as one frame; resolves with its answer. */
  send(tasks: readonly TaskRequest[]): Promise<JsonResponse> {
    if (this.#lost) return Promise.reject(this.#lost);
    const id = this.#nextId;
    this.#nextId = id === 0xffffffff ? 1 : id + 1;
    return new Promise((resolve, reject) => {
      if (this.#waiting.size === 0) {
        this.#socket.ref();
        this.#heard = performance.now();
        if (!this.#timer) this.#arm(this.#timeoutMs);
      }
      this.#waiting.set(id, { count: tasks.length, resolve, reject });
      this.#socket.write(encodeFrame(id, tasks.length, JSON.stringify(tasks)));
    });
  }

  /** Ends the connection; awaited batches fail. */
  close(): void {
    this.#fail(new Error(`the call stream to ${this.#url} was closed`));
  }

  #read(chunk: Buffer): void {
    const frames = this.#reader.push(chunk);
    // Heard from: an answer awaited, or part of a frame. Frames for ids never sent (or
    // answered already) are not: a worker sending only those would never time out.
    let heard = frames.length === 0;
    for (const frame of frames) {
      const waiting = this.#waiting.get(frame.id);
      if (!waiting) continue;
      heard = true;
      this.#waiting.delete(frame.id);
      let entries: unknown;
      try {
        entries = frame.body ? JSON.parse(frame.body.toString('utf8')) : undefined;
      } catch {}
      if (
        Array.isArray(entries) &&
        entries.length === waiting.count &&
        frame.count === waiting.count
      ) {
        waiting.resolve(asResponse(entries as BatchEntry[]));
      } else {
        waiting.reject(new Error(`${this.#url} sent an unreadable answer (${frame.length} bytes)`));
      }
    }
    if (this.#waiting.size === 0) this.#socket.unref();
    else if (heard) this.#heard = performance.now();
  }

  /**
   * One timer at most, checking when it fires how long the worker has been silent (a
   * timer per frame, or re-armed at each answer, would cost more than the answers).
   */
  #arm(ms: number): void {
    this.#timer = setTimeout(() => this.#expire(), ms).unref();
  }

  #expire(): void {
    this.#timer = undefined;
    if (this.#waiting.size === 0 || this.#lost) return;
    const left = this.#heard + this.#timeoutMs - performance.now();
    if (left > 0) {
      this.#arm(left);
      return;
    }
    const origin = new URL(this.#url).origin;
    this.#fail(new Error(`no answer from ${origin} within ${this.#timeoutMs} ms`));
  }

  #fail(error: Error): void {
    if (!this.#lost) this.#lost = error;
    const waiting = [...this.#waiting.values()];
    this.#waiting.clear();
    clearTimeout(this.#timer);
    this.#socket.destroy();
    for (const entry of waiting) entry.reject(this.#lost);
  }
}

/**
 * A frame's entries as `POST /v1/batch` would have answered: a batch the worker refused
 * whole (too large, or full) has the same refusal in every entry, and is that status.
 */
function asResponse(entries: BatchEntry[]): JsonResponse {
  const first = entries[0];
  const whole =
    first &&
    !first.ok &&
    (first.status === 413 || first.status === 503) &&
    entries.every((entry) => !entry.ok && entry.code === first.code);
  if (whole)
    return { status: first.status, body: { error: { code: first.code, message: first.message } } };
  return { status: 200, body: { results: entries } };
}
