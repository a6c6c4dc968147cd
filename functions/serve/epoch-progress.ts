import type { EpochResult } from '../../core/queue/epochs.ts';
import type { Queue } from '../../core/queue/queue.ts';

/**
 * A tube run's epochs as its coordinator finishes them, recorded in the job
 * (`Queue.recordEpochs`) one write at a time and in order, without holding the run up: a
 * count that arrives while a write is under way waits, and only the newest is written,
 * together with every epoch result that came meanwhile (each a `job.epoch` event, so a
 * watcher prints results as epochs finish). Progress is news, not results: a failed write
 * is skipped (the next one says more; the job's outcome keeps every result).
 */
export class EpochProgress {
  readonly #queue: Queue;
  readonly #tenant: string;
  readonly #jobId: string;
  #writing: Promise<void> = Promise.resolve();
  #pending: number | undefined;
  #finished: EpochResult[] = [];

  constructor(queue: Queue, tenant: string, jobId: string) {
    this.#queue = queue;
    this.#tenant = tenant;
    this.#jobId = jobId;
  }

  /** `done` root epochs are finished (0: the run starts). */
  record(done: number): void {
    const idle = this.#pending === undefined;
    this.#pending = done;
    if (!idle) return;
    this.#writing = this.#writing.then(async () => {
      const latest = this.#pending!;
      const finished = this.#finished;
      this.#pending = undefined;
      this.#finished = [];
      await this.#queue
        .recordEpochs(this.#tenant, this.#jobId, latest, finished)
        .catch(() => undefined);
    });
  }

  /** Root epoch `epoch` finished with `result` (null results are not news); its count follows. */
  result(epoch: number, result: unknown): void {
    if (result !== null) this.#finished.push({ epoch, result });
  }

  /** Resolves once every count recorded so far is written (or skipped). */
  async settled(): Promise<void> {
    while (this.#pending !== undefined) await this.#writing;
    await this.#writing;
  }
}
