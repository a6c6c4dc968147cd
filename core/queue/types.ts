/**
 * The queue's vocabulary: what is submitted, what a worker claims, what a job looks like
 * from outside. Plain data, shared by the queue, its drivers' suite and its callers.
 */

/** Scheduling priority, highest first. */
export type Priority = 'CRITICAL' | 'HIGH' | 'NORMAL' | 'LOW';

/** A tube run (expanded into tasks by its coordinator) or a plain set of tasks. */
export type JobKind = 'tube' | 'tasks';

/** Where a job is in its life. */
export type JobState = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

/** Where a task is: waiting, held by a worker, or final. `dead` keeps the failure. */
export type TaskState = 'queued' | 'leased' | 'succeeded' | 'dead' | 'cancelled';

/** One node call in one epoch, as submitted. */
export interface TaskSpec {
  /** The task's CID: the key of the task (and of its result) within the job. */
  cid: string;
  nodeId?: string;
  epoch?: string;
  /** The call's inputs (JSON-serializable). */
  input?: unknown;
  /** Defaults to the job's priority. */
  priority?: Priority;
  /** Tags a worker must all have to run it (`gpu`, `cpu`, `region:eu-west-1`). */
  tags?: string[];
  /** Not claimable before this many ms from submission. */
  delayMs?: number;
  /** Attempts before the task is dead-lettered (default from the queue's options). */
  maxAttempts?: number;
}

/** How a job's tasks are retried after a node error (a lost worker is always retried). */
export interface RetryPolicy {
  /** Attempts per task, the first included (1: no retry; default from the queue's options). */
  attempts?: number;
  /** Delay before the first retry, doubling per attempt, with jitter (ms). */
  backoffMs?: number;
  /** Longest delay between attempts (ms); set it to `backoffMs` for a fixed delay. */
  backoffMaxMs?: number;
}

/** A job submission. */
export interface JobSpec {
  tenant: string;
  kind: JobKind;
  /** What the job is (for a tube run: `{tube, inputs, epochs}`); stored as JSON. */
  payload?: unknown;
  tasks?: TaskSpec[];
  priority?: Priority;
  /** Same key (per tenant) → same job; same key with other content → a conflict error. */
  idempotencyKey?: string;
  /** Retries of its tasks after node errors (a task's own `maxAttempts` wins). */
  retry?: RetryPolicy;
  /**
   * Leave the job open for {@link Queue.addTasks} (a tube run adds tasks epoch by epoch)
   * until {@link Queue.sealJob}. Default false: the job finishes when its tasks do.
   */
  open?: boolean;
  /**
   * The W3C `traceparent` of the span that submitted the job, stored with it so that the
   * process that runs it continues the same trace (docs/tracing.md). Not compared by an
   * idempotency key.
   */
  traceparent?: string;
}

/** The outcome of a submission. */
export interface SubmitResult {
  jobId: string;
  /** False when an idempotency key returned an existing job. */
  created: boolean;
}

/** A claim request from a worker. */
export interface ClaimRequest {
  workerId: string;
  /** The worker's tags; a task is claimable when all its tags are among them. */
  tags?: string[];
  /** Claim up to this many tasks in one transaction (default 1). */
  max?: number;
  /** Lease length (default from the queue's options); heartbeats extend it. */
  leaseMs?: number;
}

/** A task leased to a worker. */
export interface ClaimedTask {
  /** The task's id in the queue (what complete/fail/heartbeat take). */
  id: number;
  jobId: string;
  cid: string;
  nodeId: string | null;
  epoch: string | null;
  input: unknown;
  priority: Priority;
  /** 1 for the first attempt. */
  attempt: number;
  maxAttempts: number;
  leaseExpiresAt: number;
}

/** A failure as stored: what a dead-lettered task keeps. */
export interface TaskFailure {
  name: string;
  message: string;
  details?: string;
}

/** Counts of a job's tasks. */
export interface JobProgress {
  total: number;
  done: number;
  failed: number;
  cancelled: number;
}

/** The error that ended a job: the job API's error shape (`code` is the error's name). */
export interface JobError {
  code: string;
  message: string;
  /** What and where (a tube's problems, a node's cause), when known. */
  details?: unknown;
}

/**
 * What a job came to as a whole, recorded once by its coordinator: a tube run's results
 * (the list `run(epochs)` gives) or the error that ended it; for a run on the peer network,
 * also its `verdict` (how the peers verified its calls, kept as the coordinator gave it).
 */
export type JobOutcome = ({ results: unknown[] } | { error: JobError }) & {
  verdict?: Record<string, unknown>;
};

/** A job as its submitter sees it. */
export interface JobView {
  id: string;
  tenant: string;
  kind: JobKind;
  payload: unknown;
  priority: Priority;
  idempotencyKey: string | null;
  state: JobState;
  sealed: boolean;
  progress: JobProgress;
  /** Root epochs a tube run's coordinator has finished (see `Queue.recordEpochs`). */
  epochsDone: number;
  /** Results of succeeded tasks by CID. */
  results: Record<string, unknown>;
  /** Failures of dead-lettered tasks by CID. */
  failures: Record<string, TaskFailure>;
  /** The job's outcome once its coordinator recorded it (see `Queue.setJobOutcome`). */
  outcome: JobOutcome | null;
  createdAt: number;
  updatedAt: number;
  finishedAt: number | null;
}

/** One entry of a job's events log. */
export interface QueueEvent {
  /** Grows monotonically: resume a stream with `afterId` = the last id seen. */
  id: number;
  jobId: string;
  /**
   * `job.<state>`; `tasks.leased` and `tasks.succeeded` (one per job per claim or
   * completion, `data.tasks` listing `{id, cid, attempt}` and `data.worker`); or
   * `task.<state>` for one task's retry, dead letter or cancellation (`data.error`).
   */
  type: string;
  taskId: number | null;
  cid: string | null;
  data: Record<string, unknown>;
  at: number;
}

/** The result of a heartbeat. */
export interface HeartbeatResult {
  /** Tasks whose job was cancelled: stop them (they are now cancelled). */
  cancelled: number[];
  /** Tasks no longer held by this worker (lease expired and reclaimed, or final): stop them. */
  lost: number[];
}

/** The result of a failure report. */
export interface FailResult {
  /** False when the worker no longer held the lease (nothing recorded). */
  accepted: boolean;
  /** `queued` (will be retried at `retryAt`), `dead`, or `cancelled`. */
  state: TaskState | null;
  retryAt: number | null;
}

/** A worker as the queue knows it. */
export interface WorkerInfo {
  id: string;
  tags: string[];
  startedAt: number;
  lastSeenAt: number;
  /** Tasks it holds right now. */
  leased: number;
}

/** Queue depth, for /metrics. */
export interface QueueStats {
  /** Task counts by state, then priority (finished tasks under their job's priority). */
  tasks: Record<TaskState, Record<Priority, number>>;
  /** Job counts by state. */
  jobs: Record<JobState, number>;
}
