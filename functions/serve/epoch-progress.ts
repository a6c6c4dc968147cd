import type { Queue } from '../../core/queue/queue.ts';

/**
 * A tube run's epochs as its coordinator finishes them, recorded in the job
 * (`Queue.recordEpochs`) one write at a time and in order, without holding the run up: a
 * count that arrives while a write is under way waits, and only the newest is written.
 * Progress is news, not results: a failed write is skipped (the next one says more).
 */
export class EpochProgress {
  readonly #queue: Queue;
  readonly #tenant: string;
  readonly #jobId: string;
  #writing: Promise<void> = Promise.resolve();
  #pending: number | undefined;

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
      this.#pending = undefined;
      await this.#queue.recordEpochs(this.#tenant, this.#jobId, latest).catch(() => undefined);
    });
  }

  /** Resolves once every count recorded so far is written (or skipped). */
  async settled(): Promise<void> {
    while (this.#pending !== undefined) await this.#writing;
    await this.#writing;
  }
}
