import { RESCAN_MS } from '../../queue/changes.ts';
import type { TaskOutcome } from '../../queue/outcome.ts';
import type { Queue } from '../../queue/queue.ts';
import { RunCancelledError } from '../errors.ts';

/** A call waiting for its task to end. */
interface Waiter {
  resolve: (outcome: TaskOutcome) => void;
  reject: (error: unknown) => void;
}

/**
 * Waits for the outcomes of one job's tasks, for every pending call at once: one read
 * (`Queue.finalOutcomes`) per look answers all of them, where a look per call would cost
 * as many reads as calls in flight, each one a round trip to a remote database; and a
 * look that would find nothing new reads only the job's count of final tasks. Looks
 * follow announced commits on an embedded database; on a remote one they come every
 * 1 ms at first, backing off to `maxPollMs`, and again from 1 ms whenever a new call
 * starts waiting or an outcome arrives. It reads nothing while no call waits.
 */
export class OutcomeWatch {
  readonly #queue: Queue;
  readonly #tenant: string;
  /** The job whose tasks it watches. */
  readonly jobId: string;
  readonly #maxPollMs: number;
  readonly #waiting = new Map<string, Waiter[]>();
  #looking = false;
  #pollMs = 1;
  /** The job's count of final tasks at the last look (see Queue.finalOutcomes). */
  #seen = -1;
  /** A call started waiting since the last look: its task may be final already. */
  #joined = false;
  /** When the outcomes were last read in full (a safety net for the count). */
  #readAt = 0;

  constructor(queue: Queue, tenant: string, jobId: string, maxPollMs = 20) {
    this.#queue = queue;
    this.#tenant = tenant;
    this.jobId = jobId;
    this.#maxPollMs = maxPollMs;
  }

  /**
   * The final outcome of the task `cid` (succeeded, dead or cancelled). Rejects with
   * {@link RunCancelledError} naming `what` (the call) when `signal` aborts first, and
   * with the queue's error when a look fails (every waiting call is told; the caller may
   * wait again).
   */
  wait(cid: string, signal: AbortSignal, what = `task ${cid}`): Promise<TaskOutcome> {
    if (signal.aborted) return Promise.reject(cancelled(what));
    return new Promise<TaskOutcome>((resolve, reject) => {
      const onAbort = () => {
        const list = this.#waiting.get(cid)?.filter((w) => w !== waiter) ?? [];
        if (list.length > 0) this.#waiting.set(cid, list);
        else this.#waiting.delete(cid);
        reject(cancelled(what));
      };
      const waiter: Waiter = {
        resolve: (outcome) => {
          signal.removeEventListener('abort', onAbort);
          resolve(outcome);
        },
        reject: (error) => {
          signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.#waiting.set(cid, [...(this.#waiting.get(cid) ?? []), waiter]);
      this.#pollMs = 1;
      this.#joined = true;
      if (this.#looking) return;
      this.#looking = true;
      // After the calls started in this same turn have joined: they go in the first read.
      queueMicrotask(() => void this.#look());
    });
  }

  /** Look while calls wait: one read for all of them per look. */
  async #look(): Promise<void> {
    const changes = this.#queue.changes;
    try {
      while (this.#waiting.size > 0) {
        const version = changes.version;
        // Only the job's count of final tasks, unless it moved (or a call joined, or a
        // rescan is due): a look costs one row however many calls wait.
        const full = this.#joined || Date.now() - this.#readAt >= RESCAN_MS;
        this.#joined = false;
        if (full) this.#readAt = Date.now();
        const { finished, outcomes } = await this.#queue.finalOutcomes(
          this.#tenant,
          this.jobId,
          [...this.#waiting.keys()],
          full ? -1 : this.#seen,
        );
        this.#seen = finished;
        let settled = false;
        // Final outcomes only (succeeded, dead, cancelled): each is what its calls are told.
        for (const [cid, outcome] of outcomes) {
          const waiters = this.#waiting.get(cid);
          if (!waiters) continue;
          this.#waiting.delete(cid);
          for (const waiter of waiters) waiter.resolve(outcome);
          settled = true;
        }
        if (this.#waiting.size === 0) break;
        this.#pollMs = settled ? 1 : Math.min(this.#pollMs * 2, this.#maxPollMs);
        // Announced commits wake the wait; the timer is then only a safety net.
        await changes.wait(version, changes.live ? RESCAN_MS : this.#pollMs);
      }
    } catch (error) {
      const waiters = [...this.#waiting.values()].flat();
      this.#waiting.clear();
      for (const waiter of waiters) waiter.reject(error);
    } finally {
      this.#looking = false;
    }
  }
}

function cancelled(what: string): RunCancelledError {
  return new RunCancelledError(`run cancelled while ${what} waited in the queue`);
}
