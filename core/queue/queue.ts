import type { CommitCounts, QueueDriver } from './backend.ts';
import { type CancelResult, cancelJob } from './cancel.ts';
import { QueueChanges } from './changes.ts';
import { claimTasks, reapExpiredLeases } from './claim.ts';
import { systemClock } from './clock.ts';
import {
  type CompleteAndClaimResult,
  type Completion,
  completeAndClaim,
  completeTasks,
} from './complete.ts';
import { type QueueContext, type QueueOptions, resolveOptions } from './context.ts';
import {
  type DeadLetter,
  type DeadLetterQuery,
  listDeadLetters,
  openJobCount,
  retryJob,
} from './dead-letters.ts';
import { type EpochResult, recordEpochs } from './epochs.ts';
import { type EventsOptions, listEvents } from './events.ts';
import { type FailOptions, failTask } from './fail.ts';
import { GroupCommit } from './group-commit.ts';
import { heartbeat, releaseTasks } from './heartbeat.ts';
import { type JobOutcomeInput, setJobOutcome } from './job-outcome.ts';
import { type GetJobOptions, getJob } from './jobs.ts';
import { type TaskLatency, taskLatency } from './latency.ts';
import { type NetworkCalls, recordNetworkCalls } from './network-calls.ts';
import { type ClaimOffer, ClaimOffers } from './offers.ts';
import {
  type FinalOutcomes,
  finalOutcomes,
  type TaskOutcome,
  taskOutcome,
  taskOutcomes,
} from './outcome.ts';
import { nextDueAt, nextReady, type ReadyState } from './ready.ts';
import { queueStats } from './stats.ts';
import type { SubmissionSink } from './submission-writer.ts';
import { addTasks, prepareSubmission, sealJob } from './submit.ts';
import {
  addJobLogs,
  type LogEntry,
  type LogsQuery,
  listLogs,
  type NodeLogChunk,
} from './task-logs.ts';
import type {
  ClaimedTask,
  ClaimRequest,
  FailResult,
  HeartbeatResult,
  JobSpec,
  JobView,
  QueueEvent,
  QueueStats,
  SubmitResult,
  TaskSpec,
  WorkerInfo,
} from './types.ts';
import { listWorkers, registerWorker } from './workers.ts';

/**
 * The durable queue: jobs of tasks with priorities and aging, affinity tags, delays,
 * leases with heartbeats, retries with backoff into a dead-letter state, cancellation,
 * idempotent submission and an events log. Every method is one transaction on the
 * driver (one round trip on a remote database), except that concurrent submissions
 * share one (see {@link GroupCommit}). The queue holds no state of its own, so
 * any number of processes can share one database.
 *
 * @example
 * const queue = await openQueue('.noob/noob.db');
 * const { jobId } = await queue.submitJob({ tenant: 't', kind: 'tasks', tasks: [{ cid, input }] });
 * const [task] = await queue.claim({ workerId: 'w1', max: 10 });
 * await queue.complete('w1', task.id, output);
 * (await queue.getJob('t', jobId)).state; // 'succeeded'
 */
export class Queue {
  readonly #ctx: QueueContext;
  #changes: QueueChanges | undefined;

  constructor(driver: QueueDriver, options: QueueOptions = {}) {
    this.#ctx = resolveOptions(driver, options, systemClock);
    this.#offers = new ClaimOffers(this.#ctx, () => this.#commitCount());
  }

  /** The driver underneath (for driver-specific checks and closing). */
  get driver(): QueueDriver {
    return this.#ctx.driver;
  }

  /**
   * Commit announcements on this queue's database, shared by everything using this
   * queue object: wait on them instead of polling (see {@link QueueChanges}).
   */
  get changes(): QueueChanges {
    this.#changes ??= new QueueChanges(this.#ctx.driver);
    return this.#changes;
  }

  // Concurrent submissions share a commit (see GroupCommit); made on first use.
  #submissions: GroupCommit | undefined;
  // Idle workers of this process, claimed for by the next submission (see offer).
  readonly #offers: ClaimOffers;

  /**
   * Submit a job and its tasks (idempotent with `idempotencyKey`). Submissions made at
   * the same time are committed together, each with the outcome it would have alone;
   * the promise resolves once the job is committed.
   */
  async submitJob(spec: JobSpec): Promise<SubmitResult> {
    if (this.#sink) return this.#sink.submit(prepareSubmission(this.#ctx, spec));
    this.#submissions ??= new GroupCommit(this.#ctx.driver, {
      rider: () => this.#offers.rider(),
      inert: () => this.#ctx.inertCommits++,
    });
    let submission = prepareSubmission(this.#ctx, spec);
    // A submission that no other one of this process is waiting ahead of may hand its
    // tasks to an idle worker at once (see handoff.ts).
    if (this.#submissions.idle) submission = this.#offers.handOff(submission);
    return this.#nudging(this.#submissions.submit(submission));
  }

  /** `write`, then wakes this process's waiters (see {@link QueueChanges.nudge}). */
  async #nudging<T>(write: Promise<T>): Promise<T> {
    const done = await write;
    this.#changes?.nudge();
    return done;
  }

  // What commits submissions instead of this connection (see commitSubmissionsWith).
  #sink: SubmissionSink | undefined;

  /**
   * Commit this queue object's submissions with `sink` from now on (a connection of its
   * own on another thread, see SubmissionWriter): this connection no longer runs their
   * write transactions, and no submission hands its tasks to this process's idle workers
   * (see offer). `undefined` goes back to this connection's own group commit.
   */
  commitSubmissionsWith(sink: SubmissionSink | undefined): void {
    this.#sink = sink;
  }

  /**
   * Hand new work straight to an idle worker of this process. An offer that can take a
   * hand-off (`idle` and `start`, see handoff.ts) is given a submission's tasks at once
   * when that is surely what a claim would take, and they are stored leased to it.
   * Otherwise each submission's transaction also claims for every offer, and the worker
   * starts what it got when that transaction commits, without a claim of its own or
   * waking to look. An offer that got tasks is used up (one that got none stays).
   * Returns the function that withdraws the offer; a submission already under way may
   * still deliver.
   */
  offer(offer: ClaimOffer): () => void {
    return this.#offers.add(offer);
  }

  /** Add tasks to an open job; returns how many were new (a known CID is skipped). */
  addTasks(tenant: string, jobId: string, tasks: readonly TaskSpec[]): Promise<number> {
    return addTasks(this.#ctx, tenant, jobId, tasks);
  }

  /** No more tasks for this open job: it finishes when its tasks do. */
  sealJob(tenant: string, jobId: string): Promise<void> {
    return sealJob(this.#ctx, tenant, jobId);
  }

  /** Lease up to `max` ready tasks (priority with aging, affinity), reaping expired leases first. */
  claim(request: ClaimRequest): Promise<ClaimedTask[]> {
    return claimTasks(this.#ctx, request);
  }

  /** Extend a worker's leases; says which tasks were cancelled or lost meanwhile. */
  heartbeat(workerId: string, taskIds: readonly number[]): Promise<HeartbeatResult> {
    return heartbeat(this.#ctx, workerId, taskIds);
  }

  /** Give back claimed tasks that will not be started: queued again, no attempt counted. */
  release(workerId: string, taskIds: readonly number[]): Promise<number[]> {
    return releaseTasks(this.#ctx, workerId, taskIds);
  }

  /**
   * Whether a worker with these tags has work now, and when it might next (a read). When
   * nothing is ready, `idle` is what an offer's `idle()` returns for a hand-off (absent
   * when this queue cannot tell whether the database changed since).
   */
  async nextReady(tags: readonly string[] = []): Promise<ReadyState> {
    // Counted before the look: a commit landing in between makes the mark stale, not wrong.
    const before = this.#commitCount();
    const at = this.#ctx.clock.now();
    const state = await nextReady(this.#ctx, tags);
    if (state.ready || !before) return state;
    return { ...state, idle: { ...before, until: nextDueAt(state), at } };
  }

  /**
   * The driver's counts of commits, less this queue object's commits that made no task
   * ready (they leave a look that found none still true); undefined when the driver
   * cannot count them (a remote database).
   */
  #commitCount(): CommitCounts | undefined {
    const counts = this.#ctx.driver.commitCounts?.();
    if (!counts) return undefined;
    return { own: counts.own - this.#ctx.inertCommits, others: counts.others };
  }

  /** Record a result: accepted once, from the lease holder only. Returns whether accepted. */
  async complete(workerId: string, taskId: number, result: unknown): Promise<boolean> {
    const [accepted] = await completeTasks(this.#ctx, workerId, [{ taskId, result }]);
    return accepted!;
  }

  /** {@link complete} for many tasks in one transaction; whether each was accepted. */
  completeMany(workerId: string, completions: readonly Completion[]): Promise<boolean[]> {
    return this.#nudging(completeTasks(this.#ctx, workerId, completions));
  }

  /**
   * {@link completeMany} and {@link claim} in one transaction (one commit per round for a
   * busy worker); with no completions it is a plain claim. `onClaimed` gets the claimed
   * tasks once the transaction commits, before the results are durable (when the
   * promise resolves): a worker can start them meanwhile.
   */
  completeAndClaim(
    completions: readonly Completion[],
    request: ClaimRequest,
    onClaimed?: (tasks: ClaimedTask[]) => void,
  ): Promise<CompleteAndClaimResult> {
    return this.#nudging(completeAndClaim(this.#ctx, completions, request, onClaimed));
  }

  /** Record a failed attempt: retry with backoff, or dead-letter (see {@link FailOptions}). */
  fail(
    workerId: string,
    taskId: number,
    error: unknown,
    options: FailOptions = {},
  ): Promise<FailResult> {
    return this.#nudging(failTask(this.#ctx, workerId, taskId, error, options));
  }

  /**
   * A tube run's coordinator has finished `done` root epochs (0: it starts the run): the
   * job is running, and its progress says so; each of `finished` (epochs with a result)
   * is a `job.epoch` event carrying it (see {@link recordEpochs}).
   */
  recordEpochs(
    tenant: string,
    jobId: string,
    done: number,
    finished: readonly EpochResult[] = [],
  ): Promise<void> {
    return recordEpochs(this.#ctx, tenant, jobId, done, finished);
  }

  /**
   * A job run on the peer network has sent, had accepted and lost this many node calls
   * (they are not tasks here): its progress counts, and a `job.progress` event (see
   * {@link recordNetworkCalls}).
   */
  recordNetworkCalls(tenant: string, jobId: string, calls: NetworkCalls): Promise<void> {
    return recordNetworkCalls(this.#ctx, tenant, jobId, calls);
  }

  /** Cancel a job's queued tasks and flag its running ones. */
  cancelJob(tenant: string, jobId: string): Promise<CancelResult> {
    return cancelJob(this.#ctx, tenant, jobId);
  }

  /** One task of a job by CID: its state, and its result or failure once final. */
  taskOutcome(tenant: string, jobId: string, cid: string): Promise<TaskOutcome | undefined> {
    return taskOutcome(this.#ctx, tenant, jobId, cid);
  }

  /** Several tasks of a job by CID in one read: each CID the job has a task for, with its outcome. */
  taskOutcomes(
    tenant: string,
    jobId: string,
    cids: readonly string[],
  ): Promise<Map<string, TaskOutcome>> {
    return taskOutcomes(this.#ctx, tenant, jobId, cids);
  }

  /**
   * The final outcomes among several tasks of a job, in one read, unless the job's count
   * of final tasks is still `seen` (then only that count is read: see {@link finalOutcomes}).
   */
  finalOutcomes(
    tenant: string,
    jobId: string,
    cids: readonly string[],
    seen?: number,
  ): Promise<FinalOutcomes> {
    return finalOutcomes(this.#ctx, tenant, jobId, cids, seen);
  }

  /** A job's state, progress, results and failures (see {@link GetJobOptions}). */
  getJob(tenant: string, jobId: string, options?: GetJobOptions): Promise<JobView> {
    return getJob(this.#ctx, tenant, jobId, options);
  }

  /**
   * Record a job's outcome once (a tube run's results, or the error that ended it) and
   * seal it; returns false when the job was cancelled or already has one.
   */
  setJobOutcome(tenant: string, jobId: string, outcome: JobOutcomeInput): Promise<boolean> {
    return setJobOutcome(this.#ctx, tenant, jobId, outcome);
  }

  /** A tenant's dead-lettered tasks, newest failure first (see {@link listDeadLetters}). */
  deadLetters(tenant: string, query: DeadLetterQuery = {}): Promise<DeadLetter[]> {
    return listDeadLetters(this.#ctx, tenant, query);
  }

  /**
   * Queue a failed job again: its dead and cancelled tasks get fresh attempts, a tube run
   * goes back to its coordinator. Returns how many tasks were queued again.
   */
  retryJob(tenant: string, jobId: string): Promise<number> {
    return retryJob(this.#ctx, tenant, jobId);
  }

  /** How many jobs a tenant has queued or running. */
  openJobCount(tenant: string): Promise<number> {
    return openJobCount(this.#ctx, tenant);
  }

  /** A job's events after an id (for streaming with resume). */
  events(tenant: string, jobId: string, options: EventsOptions = {}): Promise<QueueEvent[]> {
    return listEvents(this.#ctx, tenant, jobId, options);
  }

  /**
   * A job's log entries (what its node calls printed) after an id, oldest first; empty
   * for an unknown job or another tenant's.
   */
  logs(tenant: string, jobId: string, query: LogsQuery = {}): Promise<LogEntry[]> {
    return listLogs(this.#ctx, tenant, jobId, query);
  }

  /**
   * Keep what calls made outside any task printed (stateful nodes its coordinator runs);
   * task output comes with results instead (`Completion.logs`, `FailOptions.logs`).
   */
  addJobLogs(tenant: string, jobId: string, chunks: readonly NodeLogChunk[]): Promise<void> {
    return addJobLogs(this.#ctx, tenant, jobId, chunks);
  }

  /** Return expired leases to the queue now (claims also do it); returns how many. */
  reapExpiredLeases(): Promise<number> {
    return reapExpiredLeases(this.#ctx);
  }

  /** Depth by state and priority, jobs by state: the whole queue's, or one tenant's only. */
  stats(tenant?: string): Promise<QueueStats> {
    return queueStats(this.#ctx, tenant);
  }

  /** Task wait and run time histograms, across every worker (for /metrics). */
  taskLatency(): Promise<TaskLatency> {
    return taskLatency(this.#ctx);
  }

  /** Register (or refresh) a worker and its tags. */
  registerWorker(workerId: string, tags: readonly string[] = []): Promise<void> {
    return registerWorker(this.#ctx, workerId, tags);
  }

  /**
   * Known workers with their last-seen times; given a tenant, the tasks each holds count
   * that tenant's only (every worker serves every tenant, so all are listed).
   */
  listWorkers(tenant?: string): Promise<WorkerInfo[]> {
    return listWorkers(this.#ctx, tenant);
  }

  /** Commit the submissions still waiting for their group, then close the connection. */
  async close(): Promise<void> {
    await this.#submissions?.flush();
    // Metrics, not results: a failed write must not keep the queue from closing.
    await this.#ctx.latency.write().catch(() => undefined);
    this.#ctx.latency.stop();
    this.#changes?.close();
    await this.#ctx.driver.close();
  }
}
