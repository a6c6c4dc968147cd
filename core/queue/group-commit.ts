import type { QueueDriver, SqlResult, SqlStatement } from './backend.ts';
import {
  type CommittableSubmission,
  committedCount,
  jobsInsert,
  storesJobAlone,
  submissionResult,
} from './submit.ts';
import { tell } from './tell.ts';
import type { SubmitResult } from './types.ts';

/** Caps on one group, so its transaction (and the write lock it holds) stays short. */
export interface GroupCommitOptions {
  /** Most submissions in one transaction (default 256). */
  maxSubmissions?: number;
  /**
   * Most tasks in one transaction (default 10,000); a submission with more than that is
   * committed in a group of its own.
   */
  maxTasks?: number;
  /**
   * Most extra turns of the event loop to wait while each brings more submissions
   * (default 3): fewer, larger commits under load, for a few microseconds each.
   */
  maxWaitTurns?: number;
  /**
   * After this long without submissions (ms, default 5), the next one does not wait for
   * the loop's turn: it commits with only those made in the same tick. So does one made
   * when nothing is being committed or flushed and the last group held a single
   * submission (a caller submitting one at a time, awaiting each). A queue at rest
   * answers at once; under load, submissions group as usual.
   */
  eagerAfterIdleMs?: number;
  /**
   * Statements to carry in each group's transaction after its submissions (asked for
   * per group): how a queue hands new tasks straight to its idle workers.
   */
  rider?: () => GroupRider | undefined;
  /**
   * Told, as it commits, of each group that made no task ready: every submission
   * {@link CommittableSubmission.inert} (such a group carries no rider; see handoff.ts).
   */
  inert?: () => void;
}

/** Statements a group's transaction carries besides its submissions. */
export interface GroupRider {
  statements: SqlStatement[];
  /** Called once the transaction commits, with these statements' results. Must not throw. */
  committed(results: SqlResult[]): void;
  /**
   * Reads that find again what the statements did, for when the transaction committed
   * but its answer was lost (a remote server): `recovered` then gets their results
   * instead of `committed` getting the statements'. Must not throw.
   */
  readBack: SqlStatement[];
  recovered(results: SqlResult[]): void;
}

interface Waiting {
  submission: CommittableSubmission;
  resolve(result: SubmitResult): void;
  reject(error: unknown): void;
}

/** Where a submission's results are among its group's: `[start, end)`. */
interface Span {
  start: number;
  end: number;
  /**
   * The results of one insert storing the jobs of a run of submissions (see
   * storesJobAlone), shared by them; the ids it stored, once read.
   */
  shared: boolean;
  stored?: Set<string>;
}

/** A group's write that committed, and where each submission's results are in it. */
interface Written {
  durable: Promise<SqlResult[]>;
  spans: Span[];
}

/**
 * Group commit of job submissions. A commit costs a disk flush (embedded) or a round
 * trip (remote) whatever it holds, so the submissions made while the event loop is busy
 * (a job API answering many requests) are collected and committed together in one
 * transaction once it has nothing else to do (`setImmediate`, again while each turn of
 * the loop brings more), one group at a time, in the order they were made.
 *
 * Each submission's outcome is the one it would have alone:
 * - its statements run in submission order inside the group's transaction, so two
 *   submissions with one idempotency key behave as if sequential (the second gets the
 *   first's job, or {@link IdempotencyConflictError} if its content differs), and an
 *   error reading one's outcome rejects that one only;
 * - if the group's transaction fails, its submissions are committed again one by one, each
 *   in its own transaction, so a submission that breaks a statement fails alone; first,
 *   though, a read checks whether the group did commit (a remote server can commit and
 *   lose the answer), and then each outcome is read instead of written twice;
 * - a promise settles only after the commit that holds its submission is durable; groups
 *   commit one after another, in order, but the next group commits while the one before
 *   is still being flushed (the driver shares a flush among the commits made meanwhile).
 *
 * A group's transaction may also carry a rider's statements (see
 * {@link GroupCommitOptions.rider}); when it fails, the submissions are committed again
 * without them. Close the driver after {@link flush}: a submission still waiting then
 * would fail with the driver's error.
 */
export class GroupCommit {
  readonly #driver: QueueDriver;
  readonly #maxSubmissions: number;
  readonly #maxTasks: number;
  readonly #maxWaitTurns: number;
  readonly #eagerAfterIdleMs: number;
  readonly #rider: (() => GroupRider | undefined) | undefined;
  readonly #inert: (() => void) | undefined;
  #lastSubmitAt = Number.NEGATIVE_INFINITY;
  #lastGroupSize = 0;
  #waiting: Waiting[] = [];
  // Set from the first waiting submission until the queue of groups is drained.
  #draining = false;
  // Groups committed and waiting for their flush.
  readonly #flushing = new Set<Promise<SqlResult[]>>();

  constructor(driver: QueueDriver, options: GroupCommitOptions = {}) {
    this.#driver = driver;
    this.#maxSubmissions = Math.max(1, options.maxSubmissions ?? 256);
    this.#maxTasks = Math.max(1, options.maxTasks ?? 10_000);
    this.#maxWaitTurns = Math.max(0, options.maxWaitTurns ?? 3);
    this.#eagerAfterIdleMs = options.eagerAfterIdleMs ?? 5;
    this.#rider = options.rider;
    this.#inert = options.inert;
  }

  /** Commit `submission` with those made meanwhile; resolves once it is committed. */
  submit(submission: CommittableSubmission): Promise<SubmitResult> {
    return new Promise<SubmitResult>((resolve, reject) => {
      this.#waiting.push({ submission, resolve, reject });
      const now = performance.now();
      const idle = now - this.#lastSubmitAt > this.#eagerAfterIdleMs;
      this.#lastSubmitAt = now;
      if (this.#draining) return;
      this.#draining = true;
      const oneAtATime = this.#lastGroupSize === 1 && this.#flushing.size === 0;
      // At rest, commit right after this tick (its synchronous burst still groups). Not a
      // submission whose tasks were handed to a worker (see handoff.ts): the worker starts
      // them in this tick's microtasks, and the commit comes after, at the loop's turn.
      if ((idle || oneAtATime) && !submission.watcher) queueMicrotask(() => void this.#drain());
      else this.#collect(this.#waiting.length, 0);
    });
  }

  /**
   * Whether no submission is waiting for its commit or being committed: a look at the
   * database now misses none of this process's submissions.
   */
  get idle(): boolean {
    return !this.#draining && this.#waiting.length === 0;
  }

  /** Resolves once every submission made so far is settled (before closing the driver). */
  async flush(): Promise<void> {
    while (this.#draining || this.#waiting.length > 0 || this.#flushing.size > 0) {
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /**
   * Commit after the I/O callbacks of this turn of the event loop (`setImmediate`), so
   * the requests that are ready now get to submit and join the group; while each turn
   * still brings more submissions (a server busy with many requests), wait one more, up
   * to {@link GroupCommitOptions.maxWaitTurns}. A lone submission waits one turn.
   */
  #collect(seen: number, turns: number): void {
    setImmediate(() => {
      const count = this.#waiting.length;
      if (count > seen && count < this.#maxSubmissions && turns < this.#maxWaitTurns) {
        this.#collect(count, turns + 1);
      } else {
        void this.#drain();
      }
    });
  }

  /** Commit groups until none waits; one at a time, so jobs are created in order. */
  async #drain(): Promise<void> {
    try {
      while (this.#waiting.length > 0) await this.#commit(this.#nextGroup());
    } finally {
      this.#draining = false;
    }
  }

  /** The oldest waiting submissions, within the caps (at least one). */
  #nextGroup(): Waiting[] {
    let tasks = 0;
    let size = 0;
    for (const { submission } of this.#waiting) {
      if (size === this.#maxSubmissions) break;
      if (size > 0 && tasks + submission.taskCount > this.#maxTasks) break;
      tasks += submission.taskCount;
      size++;
    }
    this.#lastGroupSize = size;
    return this.#waiting.splice(0, size);
  }

  /** This group's rider, if any; one that fails to build is left out (reported). */
  #takeRider(): GroupRider | undefined {
    return tell(() => this.#rider?.());
  }

  /**
   * Run `statements` as one durable write. Resolves as soon as they are committed, with
   * the write's own promise (settled once durable): the next group can commit while this
   * one's flush is under way, and still in order. Resolves with `failed` when nothing
   * was committed.
   */
  async #write(
    group: Waiting[],
    withRider: boolean,
  ): Promise<Written | { failed: unknown; rider?: GroupRider }> {
    let committed!: () => void;
    const commit = new Promise<void>((resolve) => {
      committed = resolve;
    });
    let grouped: ReturnType<typeof groupStatements>;
    try {
      grouped = groupStatements(group);
    } catch (error) {
      // A job row that does not fit the shared insert: each is then tried alone.
      return { failed: error };
    }
    const { statements, spans } = grouped;
    // A group that makes no task ready has nothing new for the offers to claim (and stays
    // inert, keeping idle workers' marks good).
    const inert = group.every((w) => w.submission.inert);
    const rider = withRider && !inert ? this.#takeRider() : undefined;
    const durable = this.#driver.batch(
      rider ? [...statements, ...rider.statements] : statements,
      'write',
      (results) => {
        committed();
        if (inert) tell(() => this.#inert?.());
        tellWatchers(group, results, spans);
        if (rider) tell(() => rider.committed(results.slice(statements.length)));
      },
    );
    try {
      await Promise.race([commit, durable]);
    } catch (error) {
      // Rejected before committing (or without saying so): the rider was never told.
      return rider ? { failed: error, rider } : { failed: error };
    }
    this.#flushing.add(durable);
    const forget = () => this.#flushing.delete(durable);
    durable.then(forget, forget);
    return { durable, spans };
  }

  /** Commit one group and settle each of its submissions once durable; never throws. */
  async #commit(group: Waiting[]): Promise<void> {
    const write = await this.#write(group, true);
    if ('failed' in write) {
      await this.#recover(group, write.failed, write.rider);
      return;
    }
    settleWhenDurable(group, write);
  }

  /**
   * The group's transaction failed. If it committed all the same (the answer was lost on
   * the way back), read each outcome; otherwise commit each submission alone, in order.
   * When not even the read works, each fails with the group's error, as it would alone.
   */
  async #recover(group: Waiting[], error: unknown, rider?: GroupRider): Promise<void> {
    const lookups: SqlStatement[] = group.map((w) => w.submission.statements.at(-1)!);
    let found: SqlResult[];
    try {
      found = await this.#driver.batch(lookups, 'read');
    } catch {
      for (const waiting of group) reject(waiting, error);
      return;
    }
    // The transaction is all or nothing: one new job found means every statement ran.
    const committed = group.some((w, i) =>
      found[i]!.rows.some((row) => row.id === w.submission.jobId),
    );
    if (committed) {
      // The rider's statements ran too: it learns what they did first, as it would have.
      if (rider) {
        const back = await this.#driver.batch(rider.readBack, 'read').catch(() => undefined);
        if (back) tell(() => rider.recovered(back));
      }
      group.forEach((waiting, i) => {
        // What its own statements returned is lost with the answer.
        tell(() => waiting.submission.watcher?.failed(new Error(LOST_ANSWER)));
        settle(waiting, () => submissionResult(waiting.submission, found[i]!.rows));
      });
      return;
    }
    // Without the rider: the failure may have been its own.
    for (const waiting of group) await this.#commitAlone(waiting);
  }

  async #commitAlone(waiting: Waiting): Promise<void> {
    const write = await this.#write([waiting], false);
    if ('failed' in write) reject(waiting, write.failed);
    else settleWhenDurable([waiting], write);
  }
}

const LOST_ANSWER =
  'the transaction committed but its answer was lost: what its statements returned is unknown';

/**
 * A group's statements in order, and where each submission's results will be: each
 * submission's own statements (see committedCount), except that neighbours storing their
 * job alone share one insert of many rows (see storesJobAlone): about a third less CPU a
 * job than a statement each, the path of every tube run submitted through the API.
 */
function groupStatements(group: Waiting[]): { statements: SqlStatement[]; spans: Span[] } {
  const statements: SqlStatement[] = [];
  const spans: Span[] = [];
  for (let i = 0; i < group.length; ) {
    const start = statements.length;
    let end = i;
    while (end < group.length && storesJobAlone(group[end]!.submission)) end++;
    if (end > i) {
      statements.push(...jobsInsert(group.slice(i, end).map((w) => w.submission)));
      const span: Span = { start, end: statements.length, shared: true };
      for (; i < end; i++) spans.push(span);
      continue;
    }
    const { submission } = group[i++]!;
    const count = committedCount(submission);
    for (let k = 0; k < count; k++) statements.push(submission.statements[k]!);
    spans.push({ start, end: statements.length, shared: false });
  }
  return { statements, spans };
}

/** Tell each submission's watcher what its own statements returned. */
function tellWatchers(group: Waiting[], results: SqlResult[], spans: Span[]): void {
  group.forEach(({ submission: { watcher } }, i) => {
    const { start, end } = spans[i]!;
    if (watcher) tell(() => watcher.committed(results.slice(start, end)));
  });
}

/** A submission that was not stored (or may not have been): its watcher hears first. */
function reject(waiting: Waiting, error: unknown): void {
  tell(() => waiting.submission.watcher?.failed(error));
  waiting.reject(error);
}

/**
 * Once a committed group's write is durable, settle each submission with what its
 * statements returned (see committedResult); if the flush failed instead, whether it survives a crash is unknown,
 * and each fails with that error.
 */
function settleWhenDurable(group: Waiting[], { durable, spans }: Written): void {
  durable.then(
    (results) => {
      group.forEach((waiting, i) => {
        settle(waiting, () => committedResult(waiting.submission, results, spans[i]!));
      });
    },
    (error: unknown) => {
      for (const waiting of group) waiting.reject(error);
    },
  );
}

/**
 * What a submission whose results are at `span` resolved to. Without an idempotency key
 * its job's fresh id can meet no other row, so whether the insert returned that id says
 * it all (its read-back was not run, see committedCount); with one, the read-back's rows
 * say which job holds the key.
 */
function committedResult(
  submission: CommittableSubmission,
  results: SqlResult[],
  span: Span,
): SubmitResult {
  const { jobId } = submission;
  if (submission.idempotencyKey !== undefined) {
    return submissionResult(submission, results[span.end - 1]!.rows);
  }
  // A count of changes would do on a file, but a remote server's is not reliable for an
  // insert that did nothing; the ids the insert returns are.
  span.stored ??= new Set(
    results
      .slice(span.start, span.shared ? span.end : span.start + 1)
      .flatMap((result) => result.rows.map((row) => String(row.id))),
  );
  if (!span.stored.has(jobId)) throw new Error(`job ${jobId} was not inserted (its id was taken)`);
  return { jobId, created: true };
}

/** Resolve with `outcome()`, or reject with what it throws. */
function settle(waiting: Waiting, outcome: () => SubmitResult): void {
  try {
    waiting.resolve(outcome());
  } catch (error) {
    waiting.reject(error);
  }
}
