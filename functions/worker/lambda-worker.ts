import { NoobError } from '../../core/errors.ts';
import type { Completion } from '../../core/queue/complete.ts';
import type { Queue } from '../../core/queue/queue.ts';
import type { ClaimedTask } from '../../core/queue/types.ts';
import {
  type NativeInUse,
  type WorkerInvocation,
  type WorkerReport,
  workerInvocation,
} from '../../core/runners/lambda/invocation.ts';
import { traceClaimedCall } from '../../core/tracing/call-span.ts';
import { TaskExecutor, UnknownNodeTypeError } from './executor.ts';
import { taskRequest } from './task.ts';

/** What a {@link LambdaWorker} is built from (once per cold start). */
export interface LambdaWorkerOptions {
  queue: Queue;
  /** Runs the node calls (default: built-ins and the standard library, no modules). */
  executor?: TaskExecutor;
  /** The queue worker id this environment claims as. */
  workerId: string;
  /** Calls run at once (default 8). */
  concurrency?: number;
  /** Lease per claimed task (default 30 s); heartbeats extend it while a call runs. */
  leaseMs?: number;
  /** Stop claiming when less time than this is left in the invocation (default 3 s). */
  reserveMs?: number;
  /** Whether the native addon is in use here, as each report says (default: not said to be). */
  native?: NativeInUse;
}

/** A claimed task's input is not a node call (written by something other than a runner). */
export class InvalidTaskError extends NoobError {
  override name = 'InvalidTaskError' as const;
}

/** Claims per invocation at most: every loop is bounded. */
const MAX_ROUNDS = 100_000;

/**
 * Waits between looks for new work while idle (ms): the first soon, since a runner adding
 * the next calls as results come in refills the queue within a few ms, then longer, up to
 * the last, so that a real idle tail costs few reads.
 */
const IDLE_LOOKS_MS = [2, 4, 8, 15];

/**
 * A queue operation, tried again twice after a short pause if the database failed (a
 * connection dropped, a server restarting): results in hand are worth a few hundred ms.
 * If it still fails, the invocation fails and the leases expire, so the tasks run again.
 */
async function retried<T>(operation: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (attempt >= 2) throw error;
      await new Promise((done) => setTimeout(done, 150 * 2 ** attempt));
    }
  }
}

/**
 * The worker Lambda's logic, free of the Lambda runtime: one invocation claims tasks by
 * lease from the queue, runs them with the same {@link TaskExecutor} as every other
 * worker, and reports each batch's results in the transaction that claims the next batch
 * (`completeAndClaim`), until the queue has nothing for it, its time budget runs low or
 * the invocation's limit is reached. A duplicate or late invocation claims nothing and
 * returns at once. A malformed event gets an `ok: false` report, never an exception; a
 * task whose node type cannot load is dead-lettered with the reason.
 */
export class LambdaWorker {
  readonly workerId: string;
  readonly #queue: Queue;
  readonly #executor: TaskExecutor;
  readonly #concurrency: number;
  readonly #leaseMs: number;
  readonly #reserveMs: number;
  readonly #native: NativeInUse;

  constructor(options: LambdaWorkerOptions) {
    this.#queue = options.queue;
    this.workerId = options.workerId;
    this.#executor = options.executor ?? new TaskExecutor({ modules: 'deny' });
    this.#concurrency = options.concurrency ?? 8;
    this.#leaseMs = options.leaseMs ?? 30_000;
    this.#reserveMs = options.reserveMs ?? 3_000;
    this.#native = options.native ?? { addon: false, path: '', reason: 'not given' };
  }

  /**
   * Handle one invocation. `remainingMs` says how long the invocation may still run (the
   * runtime's `getRemainingTimeInMillis`).
   */
  async handle(event: unknown, remainingMs: () => number): Promise<WorkerReport> {
    const parsed = workerInvocation.safeParse(event);
    if (!parsed.success) {
      return {
        ok: false,
        error: {
          code: 'invalid_event',
          message: `the worker's event is not a claim request: ${parsed.error.issues
            .map((i) => `${i.path.join('.') || '(event)'}: ${i.message}`)
            .join('; ')}`,
          details: { expected: '{"claim": {"max"?, "tags"?, "limit"?}}' },
        },
      };
    }
    return this.#drain(parsed.data.claim, remainingMs);
  }

  /** Close node instances (the environment is going away). */
  close(): Promise<void> {
    return this.#executor.close();
  }

  async #drain(
    claim: WorkerInvocation['claim'],
    remainingMs: () => number,
  ): Promise<Extract<WorkerReport, { ok: true }>> {
    const report = {
      ok: true as const,
      workerId: this.workerId,
      rounds: 0,
      claimed: 0,
      succeeded: 0,
      refused: 0,
      failed: 0,
      stoppedBy: 'empty' as 'empty' | 'time' | 'limit',
      native: this.#native,
    };
    const max = claim.max ?? this.#concurrency;
    let finished: Completion[] = [];
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const left = claim.limit === undefined ? max : claim.limit - report.claimed;
      if (left <= 0) report.stoppedBy = 'limit';
      else if (remainingMs() < this.#reserveMs) report.stoppedBy = 'time';
      if (left <= 0 || remainingMs() < this.#reserveMs) break;
      const request = {
        workerId: this.workerId,
        tags: claim.tags ?? [],
        max: Math.min(max, left),
        leaseMs: this.#leaseMs,
      };
      const done = finished;
      const { accepted, claimed } = await retried(() =>
        this.#queue.completeAndClaim(done, request),
      );
      report.rounds++;
      this.#count(report, accepted);
      finished = [];
      if (claimed.length === 0) {
        if (await this.#workArrives(claim, remainingMs)) continue;
        break;
      }
      report.claimed += claimed.length;
      const outcome = await this.#runBatch(claimed);
      finished = outcome.finished;
      report.failed += outcome.failed;
    }
    if (finished.length > 0) {
      const done = finished;
      report.rounds++;
      this.#count(report, await retried(() => this.#queue.completeMany(this.workerId, done)));
    }
    return report;
  }

  /**
   * The queue had nothing: look (a read) after each of {@link IDLE_LOOKS_MS}, then at the
   * last one's pace, for up to the claim's `idleMs` whether work for these tags became
   * ready. Returns whether it did.
   */
  async #workArrives(claim: WorkerInvocation['claim'], remainingMs: () => number) {
    const until = Date.now() + (claim.idleMs ?? 0);
    for (let look = 0; Date.now() < until && remainingMs() >= this.#reserveMs; look++) {
      const waitMs = IDLE_LOOKS_MS[Math.min(look, IDLE_LOOKS_MS.length - 1)]!;
      await new Promise((done) => setTimeout(done, waitMs));
      if ((await this.#queue.nextReady(claim.tags ?? [])).ready) return true;
    }
    return false;
  }

  #count(report: { succeeded: number; refused: number }, accepted: readonly boolean[]): void {
    for (const ok of accepted) {
      if (ok) report.succeeded++;
      else report.refused++;
    }
  }

  /**
   * Run a claimed batch, `concurrency` calls at once, heartbeating the batch's leases
   * meanwhile. Returns the successes to report and how many failures were recorded.
   */
  async #runBatch(tasks: ClaimedTask[]): Promise<{ finished: Completion[]; failed: number }> {
    const finished: Completion[] = [];
    let failed = 0;
    const running = new Map<number, AbortController>();
    const pending = [...tasks];
    const beat = setInterval(() => void this.#heartbeat(running), Math.max(50, this.#leaseMs / 3));
    try {
      const lane = async () => {
        for (let task = pending.shift(); task; task = pending.shift()) {
          const controller = new AbortController();
          running.set(task.id, controller);
          try {
            finished.push({ taskId: task.id, result: await this.#call(task, controller.signal) });
          } catch (error) {
            failed++;
            // A type that cannot load, or input that is no node call, will not get better.
            const retryable = !(
              error instanceof UnknownNodeTypeError || error instanceof InvalidTaskError
            );
            await this.#queue.fail(this.workerId, task.id, error, { retryable });
          } finally {
            running.delete(task.id);
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(this.#concurrency, tasks.length) }, lane));
    } finally {
      clearInterval(beat);
    }
    return { finished, failed };
  }

  async #call(task: ClaimedTask, signal: AbortSignal) {
    const parsed = taskRequest.safeParse(task.input);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
      throw new InvalidTaskError(`task ${task.cid} is not a node call`, {
        details: problems.join('; '),
      });
    }
    // Traced, the call is a span under the one that dispatched its task (docs/tracing.md).
    return traceClaimedCall(task, this.workerId, () => this.#executor.execute(parsed.data, signal));
  }

  /** Keep the leases of running calls; abort those that were cancelled or lost. */
  async #heartbeat(running: Map<number, AbortController>): Promise<void> {
    if (running.size === 0) return;
    try {
      const { cancelled, lost } = await this.#queue.heartbeat(this.workerId, [...running.keys()]);
      for (const id of [...cancelled, ...lost]) {
        running.get(id)?.abort(new Error(`task ${id} was cancelled or its lease lost`));
      }
    } catch {
      // A missed beat is retried at the next one; the lease is longer than three beats.
    }
  }
}
