import type { NetworkCalls } from '../../core/queue/network-calls.ts';
import type { Queue } from '../../core/queue/queue.ts';

/** Least time between two writes of a run's call counts (ms): a count per call is too many. */
const MIN_INTERVAL_MS = 250;

/**
 * A job's node calls on the peer network as its run counts them, recorded in the job
 * (`Queue.recordNetworkCalls`) one write at a time, the newest counts only, at most every
 * {@link MIN_INTERVAL_MS}, without holding the run up. Progress is news, not results: a
 * failed write is skipped (the next one says more); {@link settled} writes the last counts.
 */
export class NetworkProgress {
  readonly #queue: Queue;
  readonly #tenant: string;
  readonly #jobId: string;
  #latest: NetworkCalls | undefined;
  #written = '';
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> = Promise.resolve();

  constructor(queue: Queue, tenant: string, jobId: string) {
    this.#queue = queue;
    this.#tenant = tenant;
    this.#jobId = jobId;
  }

  /** The run's counts now. */
  record(calls: NetworkCalls): void {
    this.#latest = { ...calls };
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      this.#write();
    }, MIN_INTERVAL_MS);
  }

  /** Resolves once the latest counts are written (or skipped). */
  async settled(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#write();
    await this.#writing;
  }

  #write(): void {
    const latest = this.#latest;
    const counts = JSON.stringify(latest);
    if (!latest || counts === this.#written) return;
    this.#written = counts;
    // A copy of them as they are now: the counts by node are the run's own, changed in
    // place by its next call (see NetworkCallCounts), and this write may wait for another.
    const calls = JSON.parse(counts) as NetworkCalls;
    this.#writing = this.#writing.then(() =>
      this.#queue.recordNetworkCalls(this.#tenant, this.#jobId, calls).catch(() => undefined),
    );
  }
}
