import type { SqlResult, SqlStatement } from './backend.ts';
import type { QueueContext } from './context.ts';
import { operationMark } from './mark.ts';
import { priorityOf } from './priority.ts';
import { sql } from './sql.ts';
import type { CheckedTask, PreparedSubmission } from './submit.ts';
import type { ClaimedTask } from './types.ts';

/**
 * Hand-off ("sync match"): a submission made while a worker of the same process is idle
 * gives that worker its tasks at once, before the transaction storing them commits, and
 * stores them already leased to it. The worker starts them in the same tick instead of
 * after the commit (about 0.2 ms on a one-task job). Only their ids, and so their
 * reports, wait for the commit.
 *
 * It is a claim made early, so it must take what a claim at commit would take: the
 * worker's best ready tasks. It is made only when that is sure:
 * - the worker's last look ({@link IdleMark}) found nothing ready for it, and since then
 *   no connection committed anything that could make a task ready (the connection's own
 *   commits are counted as they happen, less completions and hand-offs; other
 *   connections' by SQLite's `data_version`) and no delayed task became due nor lease
 *   expired (`until`);
 * - no other submission of this process is waiting for its commit (see GroupCommit.idle);
 * - the submission has no idempotency key (so it surely makes a new job);
 * - no lease made by a hand-off since the look can have expired (the look began less than
 *   the shortest hand-off lease ago): a hand-off commit does not spoil looks, so their
 *   `until` does not know those leases;
 * then its ready tasks whose tags the worker has, best rank first, up to the worker's
 * room, are the tasks such a claim would take. The claim is made when the submission is:
 * work committed after that moment, by another connection or by a write of this process
 * already under way, was not there to be taken (the transaction storing the hand-off
 * commits a turn of the event loop later, after the worker has started).
 *
 * What differs from a claim at commit: the tasks start before they are stored. If the
 * transaction then fails (a disk error, the lock held by another process past the busy
 * timeout), the submission rejects and so does {@link HandOff.stored}: the worker aborts
 * the calls and drops their results. A task may run although its submission failed, as
 * it may when the flush after a commit fails; tasks are delivered at least once.
 */

/** What a worker knew when it last found nothing ready for it (see Queue.nextReady). */
export interface IdleMark {
  /** The connection's own commits then, less those that made no task ready. */
  readonly own: number;
  /** The driver's count of other connections' commits then (QueueDriver.commitCounts). */
  readonly others: number;
  /**
   * When a queued task next becomes ready or a lease next expires (ms, the queue's
   * clock); Infinity when neither is due.
   */
  readonly until: number;
  /** When the look began (ms, the queue's clock). */
  readonly at: number;
}

/** A task handed to a worker before it is stored: a claimed task without its id yet. */
export type HandedTask = Omit<ClaimedTask, 'id'>;

/** Tasks handed to one worker by one submission. */
export interface HandOff {
  /** The tasks, best rank first, leased to the worker once stored. */
  readonly tasks: readonly HandedTask[];
  /**
   * Their ids, in the same order, once the transaction storing them commits (before it
   * is durable, as for any claim); rejects if they were not stored.
   */
  readonly stored: Promise<number[]>;
}

/** A worker able to take a hand-off, and how it claims. */
export interface HandOffTaker {
  readonly workerId: string;
  /** Its tags (a task needs all of its own among them). */
  readonly tags: ReadonlySet<string>;
  /** How many tasks at most. */
  readonly max: number;
  readonly leaseMs: number;
}

/** A submission rewritten to store tasks leased to takers, and what to hand each. */
export interface PlannedHandOff {
  readonly submission: PreparedSubmission;
  readonly handOffs: ReadonlyArray<{ taker: HandOffTaker; handOff: HandOff }>;
}

/**
 * Plan a hand-off of `submission`'s ready tasks to `takers` (idle, with marks already
 * checked), each taking its best tasks in turn. Returns undefined when none takes any.
 */
export function planHandOff(
  ctx: QueueContext,
  submission: PreparedSubmission,
  takers: readonly HandOffTaker[],
): PlannedHandOff | undefined {
  if (submission.idempotencyKey !== undefined) return undefined;
  const { values } = submission;
  const candidates = readyByRank(submission.tasks, values.priority);
  const handed = new Set<CheckedTask>();
  const picks: Array<{ taker: HandOffTaker; tasks: CheckedTask[] }> = [];
  for (const taker of takers) {
    const tasks: CheckedTask[] = [];
    for (const task of candidates) {
      if (tasks.length === taker.max) break;
      if (handed.has(task) || !task.tags.every((tag) => taker.tags.has(tag))) continue;
      tasks.push(task);
      handed.add(task);
    }
    if (tasks.length > 0) picks.push({ taker, tasks });
  }
  if (picks.length === 0) return undefined;

  const now = values.now;
  const leased = picks.map(({ taker, tasks }) => ({
    taker,
    tasks,
    params: {
      ...values,
      worker_id: taker.workerId,
      tags: null,
      lease_ms: taker.leaseMs,
      mark: operationMark(),
    },
    stored: deferred<number[]>(),
  }));
  // The submission's own statements store every task as it lists them (ids in its order);
  // then the handed ones are leased, each lease returning its tasks' ids, and as a claim
  // would, the job runs, gets one tasks.leased event per worker, and the worker is seen.
  // job_get_submitted stays last.
  const statements: SqlStatement[] = submission.statements.slice(0, -1);
  const leaseAt = leased.map(({ params, tasks }) => {
    statements.push(sql('tasks_lease_handed', { ...params, cids: cidsOf(tasks) }));
    return statements.length - 1;
  });
  for (const { params } of leased) {
    statements.push(
      sql('claimed_jobs_running', params),
      sql('claimed_events', params),
      sql('worker_seen', params),
    );
  }
  statements.push(submission.statements.at(-1)!);

  const watcher = {
    committed(results: SqlResult[]): void {
      leased.forEach(({ tasks, stored }, i) => {
        const ids = new Map(results[leaseAt[i]!]!.rows.map((row) => [row.cid, Number(row.id)]));
        const missing = tasks.find((task) => !ids.has(task.cid));
        if (missing) {
          stored.reject(new Error(`handed task ${missing.cid} was not stored`));
          return;
        }
        for (const _ of tasks) ctx.latency.observe('wait', 0);
        stored.resolve(tasks.map((task) => ids.get(task.cid)!));
      });
    },
    failed(error: unknown): void {
      for (const { stored } of leased) stored.reject(error);
    },
  };
  return {
    // Every task handed over: the transaction leaves none ready.
    submission: {
      ...submission,
      statements,
      watcher,
      inert: handed.size === submission.tasks.length,
    },
    handOffs: leased.map(({ taker, tasks, stored }) => ({
      taker,
      handOff: {
        tasks: tasks.map((task) => handedTask(ctx, submission, task, now + taker.leaseMs)),
        stored: stored.promise,
      },
    })),
  };
}

function cidsOf(tasks: readonly CheckedTask[]): string {
  return JSON.stringify(tasks.map((task) => task.cid));
}

/**
 * The tasks a claim could take now, best rank first: ready now (no delay) and the first
 * of their CID (the insert keeps the first and skips the rest). All become ready now, so
 * rank order is priority order, then submission order.
 */
function readyByRank(tasks: readonly CheckedTask[], jobLevel: number): CheckedTask[] {
  const seen = new Set<string>();
  const ready: Array<{ task: CheckedTask; level: number; index: number }> = [];
  tasks.forEach((task, index) => {
    if (seen.has(task.cid)) return;
    seen.add(task.cid);
    if (task.delayMs === 0) ready.push({ task, level: task.level ?? jobLevel, index });
  });
  return ready.sort((a, b) => a.level - b.level || a.index - b.index).map((r) => r.task);
}

/** A checked task as the worker gets it: what a claim would read back, without its id. */
function handedTask(
  ctx: QueueContext,
  submission: PreparedSubmission,
  task: CheckedTask,
  leaseExpiresAt: number,
): HandedTask {
  return {
    jobId: submission.jobId,
    cid: task.cid,
    nodeId: task.nodeId,
    epoch: task.epoch,
    // Parsed from the stored text, as a claim would: the worker gets its own copy.
    input: JSON.parse(task.input),
    priority: priorityOf(task.level ?? submission.values.priority),
    attempt: 1,
    maxAttempts: task.maxAttempts ?? Number(submission.values.retry_attempts ?? ctx.maxAttempts),
    leaseExpiresAt,
  };
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A taker may not be listening yet (or at all); unhandled rejections are its business.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}
