import * as dagCbor from '@ipld/dag-cbor';
import type { Stream } from '@libp2p/interface';
import { lpStream } from '@libp2p/utils';
import { BlockError } from './errors.ts';

/**
 * The framing of the block protocol: one long-lived stream from an asker to a holder,
 * carrying many requests. Every frame is dag-cbor behind a varint length prefix.
 *
 * - a request: `{ id, names }`, `names` the CIDs (or other names a holder serves, see
 *   `BlockExchange.serve`) wanted, at most {@link MAX_NAMES_PER_REQUEST};
 * - its answers: one frame `{ id, name, bytes }` per name, in the order asked, `bytes`
 *   null when the holder does not have it.
 *
 * The holder answers a stream's requests one at a time, writing each answer only once the
 * stream took the previous one (back-pressure: a slow asker slows its own answers, nobody
 * else's).
 */

/** Most names one request may carry (a request is at most a few KiB). */
export const MAX_NAMES_PER_REQUEST = 64;
/** Largest request frame (64 names of a CID's length and then some). */
const MAX_REQUEST_BYTES = 32 * 1024;

/** A request frame. */
interface Request {
  id: number;
  names: string[];
}

/** An answer frame. */
interface Answer {
  id: number;
  name: string;
  bytes: Uint8Array | null;
}

/** What a holder serves: the bytes a name stands for, if it has them. */
export type Lookup = (name: string) => Uint8Array | undefined;

/** One fetch of a name: settled with its bytes (undefined: not there). */
export interface Waiter {
  resolve: (bytes: Uint8Array | undefined) => void;
  reject: (error: Error) => void;
}

/**
 * The asking end of one long-lived stream to one holder: requests go out with ids, and a
 * reader matches each answer frame to the request and name it answers. When the stream
 * dies (the connection closed, the holder went away, a malformed frame), every pending
 * name fails with a {@link BlockError} and the channel is {@link closed}: its owner opens
 * another for the next request.
 */
export class BlockChannel {
  readonly #stream: Stream;
  readonly #lp: ReturnType<typeof lpStream>;
  readonly #pending = new Map<number, Map<string, Waiter[]>>();
  readonly #peer: string;
  /** Answer frames read so far, and how many had been when each pending request went out. */
  #heard = 0;
  readonly #heardAtSend = new Map<number, number>();
  #nextId = 1;
  #closed = false;

  constructor(stream: Stream, peer: string, maxAnswerBytes: number) {
    this.#stream = stream;
    this.#peer = peer;
    // The read buffer holds at most a frame being read and the start of the next.
    this.#lp = lpStream(stream, {
      maxDataLength: maxAnswerBytes + 1024,
      maxBufferSize: 2 * maxAnswerBytes + 64 * 1024,
    });
    void this.#read();
  }

  /** Whether the stream died: the channel takes no more requests. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Asks for `names` in one request; each resolves with its bytes (undefined when the
   * holder does not have it). A caller that stops waiting simply ignores its answer.
   */
  request(names: readonly string[]): Map<string, Promise<Uint8Array | undefined>> {
    const id = this.#nextId++;
    const waiting = new Map<string, Waiter[]>();
    const answers = new Map<string, Promise<Uint8Array | undefined>>();
    for (const name of names) {
      answers.set(
        name,
        new Promise((resolve, reject) => {
          const list = waiting.get(name) ?? [];
          list.push({ resolve, reject });
          waiting.set(name, list);
        }),
      );
    }
    if (this.#closed) {
      this.#fail(waiting, 'the stream is closed');
      return answers;
    }
    this.#pending.set(id, waiting);
    this.#heardAtSend.set(id, this.#heard);
    const frame: Request = { id, names: [...waiting.keys()] };
    this.#lp.write(dagCbor.encode(frame)).catch((error: Error) => this.#die(error.message));
    return answers;
  }

  /**
   * A caller stopped waiting. When nothing at all has arrived since the oldest pending
   * request went out, the stream is taken for stuck (a holder that took it and never
   * answers) and closed, so the next fetch opens another instead of waiting behind it;
   * its other pending names fail as they would have waited in vain (answers come in order).
   */
  abandon(): void {
    const oldest = this.#pending.keys().next();
    if (!oldest.done && this.#heardAtSend.get(oldest.value) === this.#heard) this.close();
  }

  /** Closes the stream (pending names fail). */
  close(): void {
    this.#die('the channel was closed');
    this.#stream.abort(new BlockError('block channel closed'));
  }

  async #read(): Promise<void> {
    try {
      while (!this.#closed) {
        const frame = dagCbor.decode<Answer>((await this.#lp.read()).subarray());
        if (!isAnswer(frame)) throw new BlockError('a malformed answer frame');
        this.#heard++;
        const waiting = this.#pending.get(frame.id);
        const list = waiting?.get(frame.name);
        if (!waiting || !list) continue;
        waiting.delete(frame.name);
        if (waiting.size === 0) {
          this.#pending.delete(frame.id);
          this.#heardAtSend.delete(frame.id);
        }
        for (const waiter of list) waiter.resolve(frame.bytes ?? undefined);
      }
    } catch (error) {
      this.#die((error as Error).message);
      this.#stream.abort(error as Error);
    }
  }

  #die(reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const waiting of this.#pending.values()) this.#fail(waiting, reason);
    this.#pending.clear();
    this.#heardAtSend.clear();
  }

  #fail(waiting: Map<string, Waiter[]>, reason: string): void {
    for (const [name, list] of waiting) {
      const error = new BlockError(`could not fetch ${name} from ${this.#peer}: ${reason}`);
      for (const waiter of list) waiter.reject(error);
    }
  }
}

/**
 * The holding end: answers `stream`'s requests from `lookup` until the asker closes it
 * or sends something that is not a request (then the stream is aborted).
 */
export async function answerRequests(stream: Stream, lookup: Lookup): Promise<void> {
  const lp = lpStream(stream, { maxDataLength: MAX_REQUEST_BYTES });
  try {
    for (;;) {
      let data: Uint8Array;
      try {
        data = (await lp.read()).subarray();
      } catch {
        // The asker closed its end (or the connection went): nothing more to answer.
        break;
      }
      const request = dagCbor.decode<Request>(data);
      if (!isRequest(request)) throw new BlockError('a malformed request frame');
      for (const name of request.names) {
        const answer: Answer = { id: request.id, name, bytes: lookup(name) ?? null };
        await lp.write(dagCbor.encode(answer));
      }
    }
    await stream.close().catch(() => undefined);
  } catch (error) {
    stream.abort(error as Error);
  }
}

function isRequest(value: unknown): value is Request {
  const frame = value as Request | null;
  return (
    typeof frame?.id === 'number' &&
    Array.isArray(frame.names) &&
    frame.names.length <= MAX_NAMES_PER_REQUEST &&
    frame.names.every((name) => typeof name === 'string' && name.length <= 256)
  );
}

function isAnswer(value: unknown): value is Answer {
  const frame = value as Answer | null;
  return (
    typeof frame?.id === 'number' &&
    typeof frame.name === 'string' &&
    (frame.bytes === null || frame.bytes instanceof Uint8Array)
  );
}
