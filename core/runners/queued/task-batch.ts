import type { Queue } from '../../queue/queue.ts';
import type { TaskSpec } from '../../queue/types.ts';

/** Tasks waiting to be added, and the callers to tell. */
interface Pending {
  tasks: TaskSpec[];
  done: { resolve: () => void; reject: (error: unknown) => void }[];
}

/**
 * Adds the tasks of one job's calls to the queue together: the calls that start while an
 * add is on its way (or in the same turn) go in the next one, a single transaction, so
 * an epoch of 16 calls is one write instead of 16 competing for the database's write
 * lock (on a remote server every write is also a round trip). At most one add per job is
 * in flight.
 */
export class TaskBatch {
  readonly #queue: Queue;
  readonly #tenant: string;
  readonly #jobId: string;
  #next: Pending | undefined;
  #sending = false;

  constructor(queue: Queue, tenant: string, jobId: string) {
    this.#queue = queue;
    this.#tenant = tenant;
    this.#jobId = jobId;
  }

  /** The job whose tasks it adds. */
  get jobId(): string {
    return this.#jobId;
  }

  /** Add `task`; resolves once it is stored (with the others of its batch), or rejects with the queue's error. */
  add(task: TaskSpec): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#next ??= { tasks: [], done: [] };
      this.#next.tasks.push(task);
      this.#next.done.push({ resolve, reject });
      if (this.#sending) return;
      this.#sending = true;
      // After the calls started in this same turn have joined.
      queueMicrotask(() => void this.#send());
    });
  }

  async #send(): Promise<void> {
    for (let batch = this.#next; batch; batch = this.#next) {
      this.#next = undefined;
      try {
        await this.#queue.addTasks(this.#tenant, this.#jobId, batch.tasks);
        for (const caller of batch.done) caller.resolve();
      } catch (error) {
        for (const caller of batch.done) caller.reject(error);
      }
    }
    this.#sending = false;
  }
}
