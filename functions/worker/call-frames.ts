/**
 * The frames of a worker's call stream (`GET /v1/stream`, upgraded to `noob-calls/1`):
 * the http runner's batches of calls one way, their answers the other, on one connection
 * held open per worker instead of an HTTP request per batch.
 *
 * A frame is a 12-byte header and a UTF-8 JSON body:
 * `u32 body length | u32 frame id | u32 count` (big-endian), then the body. A batch frame
 * (runner → worker) carries a JSON array of `count` tasks (the `POST /v1/batch` tasks);
 * its answer (worker → runner) has the same id and count and a JSON array of `count`
 * batch entries, in the tasks' order. The header says how many calls a frame holds and
 * which frame it is before the body is read, so a worker can answer a frame too large to
 * read (413 for each call) while it skips it, without ever holding it.
 */

/** The protocol named in the `Upgrade` header, both ways. */
export const CALL_STREAM_PROTOCOL = 'noob-calls/1';

/** Bytes before a frame's body. */
export const FRAME_HEADER_BYTES = 12;

/** A frame as read: its body, or `undefined` when it was over the reader's limit (skipped). */
export interface Frame {
  id: number;
  count: number;
  body: Buffer | undefined;
  /** The body's length as the header says (also for a skipped body). */
  length: number;
}

/** One frame's bytes: its header and `json` as its body. */
export function encodeFrame(id: number, count: number, json: string): Buffer {
  const length = Buffer.byteLength(json);
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + length);
  frame.writeUInt32BE(length, 0);
  frame.writeUInt32BE(id >>> 0, 4);
  frame.writeUInt32BE(count >>> 0, 8);
  frame.write(json, FRAME_HEADER_BYTES, 'utf8');
  return frame;
}

/**
 * Cuts a byte stream into frames. A body over `maxBodyBytes` is skipped as it arrives
 * (never held) and read as `body: undefined`, so a peer cannot make the reader hold more
 * than one frame of at most that size.
 */
export class FrameReader {
  readonly #maxBodyBytes: number;
  #pending: Buffer[] = [];
  /** The frame whose body is being skipped, and how much of it is left. */
  #skipping: { frame: Frame; left: number } | undefined;

  constructor(maxBodyBytes: number) {
    this.#maxBodyBytes = maxBodyBytes;
  }

  /** Adds `chunk`; returns the frames it completed, in order. */
  push(chunk: Buffer): Frame[] {
    const frames: Frame[] = [];
    let data = chunk;
    if (this.#skipping) {
      const skipped = Math.min(this.#skipping.left, data.length);
      this.#skipping.left -= skipped;
      data = data.subarray(skipped);
      if (this.#skipping.left > 0) return frames;
      frames.push(this.#skipping.frame);
      this.#skipping = undefined;
    }
    if (data.length === 0) return frames;
    this.#pending.push(data);
    // Only one concatenation per chunk that completes frames (usually the whole chunk).
    let buffer = this.#pending.length === 1 ? data : Buffer.concat(this.#pending);
    let offset = 0;
    while (buffer.length - offset >= FRAME_HEADER_BYTES) {
      const length = buffer.readUInt32BE(offset);
      const id = buffer.readUInt32BE(offset + 4);
      const count = buffer.readUInt32BE(offset + 8);
      const start = offset + FRAME_HEADER_BYTES;
      if (length > this.#maxBodyBytes) {
        const frame = { id, count, body: undefined, length };
        const here = Math.min(length, buffer.length - start);
        offset = start + here;
        if (here < length) {
          this.#skipping = { frame, left: length - here };
          break;
        }
        frames.push(frame);
        continue;
      }
      if (buffer.length - start < length) break;
      frames.push({ id, count, body: buffer.subarray(start, start + length), length });
      offset = start + length;
    }
    buffer = buffer.subarray(offset);
    this.#pending = buffer.length === 0 ? [] : [buffer];
    return frames;
  }
}
