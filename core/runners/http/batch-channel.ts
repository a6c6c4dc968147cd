import type { TaskRequest } from '../../../functions/worker/task.ts';
import { CallStreamClient, type OpenedStream, openCallStream } from './call-stream-client.ts';
import type { JsonResponse, JsonTransport } from './transport.ts';

/**
 * How the http runner's batches travel: `stream`, on one connection held open per worker
 * (`GET /v1/stream` upgraded), falling back to requests for a worker without streams; or
 * `requests`, one `POST /v1/batch` each (for a proxy between runner and workers that does
 * not pass upgrades).
 */
export type BatchTransport = 'stream' | 'requests';

/**
 * How a worker link sends its batches: over one call stream held open to the worker
 * (a frame each way per batch, no HTTP request to build, parse and route on either side),
 * or, to a worker that has no streams (it answers the upgrade 404 or 426), as
 * `POST /v1/batch` requests. Either way a batch's answer is the `POST /v1/batch` answer,
 * so the link treats both alike. A stream lost is opened again for the next batch; a
 * refusal of the upgrade (401, 5xx) is that batch's answer.
 */
export class BatchChannel {
  readonly #url: string;
  readonly #transport: JsonTransport;
  readonly #timeoutMs: number;
  #stream: CallStreamClient | undefined;
  #opening: Promise<OpenedStream> | undefined;
  /** False when told to send requests, or once the worker said it has no call streams. */
  #streams: boolean;

  constructor(url: string, transport: JsonTransport, timeoutMs: number, streams: boolean) {
    this.#url = url;
    this.#transport = transport;
    this.#timeoutMs = timeoutMs;
    this.#streams = streams;
  }

  /** Sends one batch; rejects on network errors, timeouts and a stream lost. */
  async send(tasks: readonly TaskRequest[]): Promise<JsonResponse> {
    if (this.#streams) {
      const stream = this.#stream?.open ? this.#stream : await this.#connect();
      if (stream instanceof CallStreamClient) return stream.send(tasks);
      if (this.#streams) return stream;
    }
    return this.#transport.request(
      'POST',
      `${this.#url}/v1/batch`,
      { tasks },
      { timeoutMs: this.#timeoutMs },
    );
  }

  /** Closes the stream, if one is open. */
  close(): void {
    this.#stream?.close();
    this.#stream = undefined;
  }

  /** The open stream, or the worker's answer to the upgrade (batches sent at once share one try). */
  async #connect(): Promise<CallStreamClient | JsonResponse> {
    this.#opening ??= openCallStream(this.#url, this.#transport.auth, this.#timeoutMs).finally(
      () => {
        this.#opening = undefined;
      },
    );
    const opened = await this.#opening;
    if ('stream' in opened) {
      if (!this.#stream?.open) this.#stream = opened.stream;
      return this.#stream;
    }
    const { status } = opened.refused;
    if (status === 404 || status === 426) this.#streams = false;
    return opened.refused;
  }
}
