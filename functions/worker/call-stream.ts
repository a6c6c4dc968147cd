import type { Duplex } from 'node:stream';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { type BatchEntry, describeTaskIssues, MAX_BATCH_TASKS } from './batch.ts';
import { encodeFrame, type Frame, FrameReader } from './call-frames.ts';
import { type TaskRequest, taskRequest } from './task.ts';

/** What a call stream needs of its worker. */
export interface CallStreamHost {
  /** Runs one valid task in its turn and answers it. */
  run(task: TaskRequest, signal: AbortSignal): Promise<BatchEntry>;
  /** Takes a request's place toward the worker's capacity; false when it is full. */
  admit(): boolean;
  /** Gives back the place {@link admit} took. */
  release(): void;
  /** The worker's capacity (requests at once), for the message when it is full. */
  capacity: number;
  /** Largest frame body read, in bytes (the worker's request body limit). */
  maxBodyBytes: number;
}

/**
 * The worker's end of one call stream (see `call-frames.ts`): each batch frame is a
 * request as `POST /v1/batch` would be (it counts toward the worker's capacity, its tasks
 * run in their turns), answered by one frame once all its calls are done. A frame the
 * worker cannot take is still answered, one entry per call, with the status the HTTP
 * route would have given the whole request (413 too large, 400 not JSON or not tasks,
 * 503 full); a task that is not a node call gets 400 naming its fields. A header that
 * cannot be a batch (no calls, or more than a batch may hold) ends the stream.
 */
export class WorkerCallStream {
  readonly #socket: Duplex;
  readonly #host: CallStreamHost;
  readonly #reader: FrameReader;
  /** Aborted when the connection goes: running async calls see it, as a dropped request's do. */
  readonly #gone = new AbortController();
  readonly #answering = new Set<Promise<void>>();
  /** Frames read and not yet taken: they wait while the runner is not reading answers. */
  #backlog: Frame[] = [];
  #closing = false;

  /** Starts serving `socket`; `head` is what arrived with the upgrade request. */
  constructor(socket: Duplex, head: Buffer, host: CallStreamHost) {
    this.#socket = socket;
    this.#host = host;
    this.#reader = new FrameReader(host.maxBodyBytes);
    socket.on('error', () => {}); // a runner that went away: 'close' follows
    socket.once('close', () => this.#gone.abort(new Error('the call stream closed')));
    socket.on('data', (chunk: Buffer) => this.#read(chunk));
    // A runner that ended its side sends nothing more: answer what runs, then end ours.
    socket.once('end', () => void this.close());
    // Answers written while the runner does not read them stop the reading (see #take).
    socket.on('drain', () => {
      if (this.#closing) return;
      socket.resume();
      this.#take();
    });
    if (head.length > 0) this.#read(head);
  }

  /**
   * Takes no more frames, answers those running, then ends the connection (and drops it
   * a second later if the runner does not close its side, so a stuck runner cannot keep
   * a stopping worker alive).
   */
  async close(): Promise<void> {
    this.#closing = true;
    this.#socket.pause();
    while (this.#answering.size > 0) await Promise.allSettled([...this.#answering]);
    this.#socket.end();
    setTimeout(() => this.#socket.destroy(), 1_000).unref();
  }

  #read(chunk: Buffer): void {
    if (this.#closing) return;
    const frames = this.#reader.push(chunk);
    this.#backlog = this.#backlog.length === 0 ? frames : this.#backlog.concat(frames);
    this.#take();
  }

  /**
   * Answers the frames read, in order, until the socket holds more answers than its
   * high-water mark: then it stops reading until they drain. Each frame earns an answer
   * (a 12-byte frame, up to a batch of refusals), so a runner that sends and never reads
   * would otherwise have the worker hold answers without bound.
   */
  #take(): void {
    let taken = 0;
    while (taken < this.#backlog.length && !this.#closing) {
      if (this.#socket.writableNeedDrain) {
        this.#socket.pause();
        break;
      }
      const frame = this.#backlog[taken++]!;
      if (frame.count < 1 || frame.count > MAX_BATCH_TASKS) {
        this.#backlog = [];
        this.#socket.destroy();
        return;
      }
      this.#answer(frame);
    }
    this.#backlog = this.#backlog.slice(taken);
  }

  /** Answers `frame`: at once when it is refused, once its calls are done when it runs. */
  #answer(frame: Frame): void {
    const entries = this.#entries(frame);
    if (Array.isArray(entries)) {
      this.#write(frame, entries);
      return;
    }
    const answering = entries
      .then((done) => this.#write(frame, done))
      .finally(() => this.#answering.delete(answering));
    this.#answering.add(answering);
  }

  #write(frame: Frame, entries: BatchEntry[]): void {
    if (this.#socket.writable)
      this.#socket.write(encodeFrame(frame.id, frame.count, JSON.stringify(entries)));
  }

  #entries(frame: Frame): BatchEntry[] | Promise<BatchEntry[]> {
    const every = (status: ContentfulStatusCode, code: string, message: string) =>
      Array.from({ length: frame.count }, (): BatchEntry => ({ ok: false, status, code, message }));
    if (!frame.body) {
      const limit = this.#host.maxBodyBytes;
      return every(413, 'payload_too_large', `batch of ${frame.length} bytes, over ${limit}`);
    }
    let tasks: unknown;
    try {
      tasks = JSON.parse(frame.body.toString('utf8'));
    } catch {
      return every(400, 'invalid_json', 'the batch frame is not JSON');
    }
    if (!Array.isArray(tasks) || tasks.length !== frame.count) {
      const message = `the batch frame says ${frame.count} tasks but does not hold a list of that many`;
      return every(400, 'invalid_request', message);
    }
    if (!this.#host.admit()) {
      const message = `worker is at capacity (${this.#host.capacity} requests running)`;
      return every(503, 'busy', message);
    }
    return Promise.all(tasks.map((task) => this.#run(task))).finally(() => this.#host.release());
  }

  #run(task: unknown): Promise<BatchEntry> | BatchEntry {
    const parsed = taskRequest.safeParse(task);
    if (parsed.success) return this.#host.run(parsed.data, this.#gone.signal);
    const { message, details } = describeTaskIssues(parsed.error);
    return { ok: false, status: 400, code: 'invalid_task', message, details };
  }
}
