import { toJson } from './output.ts';

/**
 * A watched job's results on stdout as its root epochs finish (the stream's `job.epoch`
 * events), one JSON value a line, as `noob run` prints them; the rest from the finished
 * job. An epoch seen before (a resumed run saying it again) is skipped. Once an epoch's
 * result is too large for its event (the event only references it), later results wait
 * for the job's own, so the lines stay in epoch order.
 */
export class EpochResults {
  readonly #stdout: NodeJS.WritableStream;
  #printed = 0;
  #nextEpoch = 0;
  #deferred = false;

  constructor(stdout: NodeJS.WritableStream) {
    this.#stdout = stdout;
  }

  /** A `job.epoch` event's data: `{epoch, result}`, or `{epoch, bytes, stored}` for a large one. */
  take(data: Record<string, unknown>): void {
    const { epoch } = data;
    if (typeof epoch !== 'number' || epoch < this.#nextEpoch) return;
    this.#nextEpoch = epoch + 1;
    if (this.#deferred || !('result' in data)) {
      this.#deferred = true;
      return;
    }
    this.#print(data.result);
  }

  /** The finished job's results: print those the stream did not. */
  finish(results: readonly unknown[]): void {
    for (const result of results.slice(this.#printed)) this.#print(result);
  }

  #print(result: unknown): void {
    this.#stdout.write(`${toJson(result)}\n`);
    this.#printed++;
  }
}
