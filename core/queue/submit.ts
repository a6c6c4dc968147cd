import { isTraceParent } from '../tracing/traceparent.ts';
import type { SqlResult, SqlRow, SqlStatement, SqlValue } from './backend.ts';
import { canonicalHash } from './canonical.ts';
import type { QueueContext } from './context.ts';
import { IdempotencyConflictError, InvalidSubmissionError, TooManyTasksError } from './errors.ts';
import type { GroupCommit } from './group-commit.ts';
import { jobId as newJobId } from './job-id.ts';
import { requireJobOpen } from './job-state.ts';
import { boundedJson } from './limits.ts';
import { priorityLevel } from './priority.ts';
import { sql, sqlRows } from './sql.ts';
import type { JobSpec, SubmitResult, TaskSpec } from './types.ts';
import { checkRetry, normalizeTags, requireId, validateTask } from './validate.ts';

/** One task of a submission, checked. */
export interface CheckedTask {
  readonly cid: string;
  /** The input as JSON text. */
  readonly input: string;
  readonly nodeId: string | null;
  readonly epoch: string | null;
  /** Its priority level, or null for the job's. */
  readonly level: number | null;
  readonly tags: readonly string[];
  /** Not ready before this many ms from submission (0: ready now). */
  readonly delayMs: number;
  /** Its attempts, or null for the queue's. */
  readonly maxAttempts: number | null;
}

/** Check each task, naming the bad field (and the node of an input over the size limit). */
function checkTasks(ctx: QueueContext, tasks: readonly TaskSpec[]): CheckedTask[] {
  return tasks.map((task, i) => {
    validateTask(task, i);
    const tags = normalizeTags(task.tags, `tasks[${i}]`);
    const cid = task.cid;
    const nodeId = task.nodeId ?? null;
    const input = boundedJson('input', task.input, nodeId, ctx.maxInputBytes);
    const epoch = task.epoch ?? null;
    const level = task.priority !== undefined ? priorityLevel(task.priority) : null;
    const delayMs = task.delayMs ?? 0;
    const maxAttempts = task.maxAttempts ?? null;
    return { cid, input, nodeId, epoch, level, tags, delayMs, maxAttempts };
  });
}

/** A task's values in the row template of tasks_insert (see there for their order). */
function taskRow(task: CheckedTask): SqlValue[] {
  const tags = task.tags.length > 0 ? JSON.stringify(task.tags) : null;
  const { cid, input, nodeId, epoch, level, delayMs, maxAttempts } = task;
  return [cid, input, nodeId, epoch, level, tags, delayMs || null, maxAttempts];
}

/** What a job's row is made of (the parameters of its submission's statements). */
interface JobValues {
  job_id: string;
  tenant: string;
  kind: string;
  payload: string;
  payload_hash: string;
  priority: number;
  idempotency_key: string | null;
  sealed: number;
  retry_attempts: number | null;
  retry_backoff_ms: number | null;
  retry_backoff_max_ms: number | null;
  traceparent: string | null;
  now: number;
}

/** A job's values in the row template of jobs_insert (see there for their order). */
function jobRow(v: JobValues): SqlValue[] {
  return [
    v.job_id,
    v.tenant,
    v.kind,
    v.payload,
    v.payload_hash,
    v.priority,
    v.idempotency_key,
    v.sealed,
    v.retry_attempts,
    v.retry_backoff_ms,
    v.retry_backoff_max_ms,
    v.traceparent,
    v.now,
    v.now,
  ];
}

/**
 * The statements storing `tasks` in a job (tasks_insert), each followed by
 * job_count_inserted, which reads changes() and so must follow the insert it counts.
 * Returns them with the positions of the inserts among them.
 */
function insertStatements(
  values: Record<string, SqlValue | undefined>,
  tasks: readonly CheckedTask[],
): { statements: SqlStatement[]; inserts: number[] } {
  const statements: SqlStatement[] = [];
  const inserts: number[] = [];
  const count = sql('job_count_inserted', values);
  for (const insert of sqlRows('tasks_insert', values, tasks.map(taskRow))) {
    inserts.push(statements.length);
    statements.push(insert, count);
  }
  return { statements, inserts };
}

/**
 * A submission checked and turned into its statements, ready to commit alone or in a
 * group (see {@link GroupCommit}). Its last statement reads back the job it resolved to.
 */
export interface PreparedSubmission {
  /** The id the job gets if it is new. */
  readonly jobId: string;
  readonly payloadHash: string;
  readonly idempotencyKey: string | undefined;
  /**
   * Run in order in one transaction: the first inserts the job (jobs_insert, one row), the last
   * reads back the job it resolved to (job_get_submitted), needed only with an
   * idempotency key (see {@link committedCount}).
   */
  readonly statements: readonly SqlStatement[];
  /** How many tasks it stores (a group is capped by tasks as well as submissions). */
  readonly taskCount: number;
  /** Its tasks, checked, in submission order (what a hand-off picks from). */
  readonly tasks: readonly CheckedTask[];
  /** The parameters its statements were built from. */
  readonly values: SubmissionValues;
  /** Told what became of its statements (a hand-off, see handoff.ts). */
  readonly watcher?: SubmissionWatcher;
  /** It makes no task ready: every task it stores is leased (see handoff.ts). */
  readonly inert?: boolean;
}

/**
 * What committing a submission needs of it (see {@link GroupCommit}): all a writer on
 * another thread is sent (see submission-writer.ts).
 */
export type CommittableSubmission = Pick<
  PreparedSubmission,
  'jobId' | 'payloadHash' | 'idempotencyKey' | 'statements' | 'taskCount' | 'watcher' | 'inert'
>;

/** The parameters of a submission's statements. */
export type SubmissionValues = Readonly<Record<string, SqlValue>> & {
  readonly job_id: string;
  readonly priority: number;
  readonly now: number;
};

/**
 * Told, by whoever commits a submission (see {@link GroupCommit}), what became of its own
 * statements, before its promise settles. Neither may throw.
 */
export interface SubmissionWatcher {
  /** Its transaction committed (it may not be durable yet): its statements' results. */
  committed(results: SqlResult[]): void;
  /**
   * It was not stored, or whether it was is unknown (the answer to a commit was lost):
   * either way its promise rejects with `error`.
   */
  failed(error: unknown): void;
}

/**
 * Check a submission and build its statements. Throws {@link InvalidSubmissionError}
 * naming the field for bad input, before anything reaches the database.
 */
export function prepareSubmission(ctx: QueueContext, spec: JobSpec): PreparedSubmission {
  const tenant = requireId(spec.tenant, 'tenant');
  if (spec.kind !== 'tube' && spec.kind !== 'tasks') {
    throw new InvalidSubmissionError(`unknown job kind ${JSON.stringify(spec.kind)}`, {
      details: "Use 'tube' (a tube run) or 'tasks' (a plain set of tasks).",
    });
  }
  if (spec.idempotencyKey !== undefined) requireId(spec.idempotencyKey, 'idempotencyKey');
  const now = ctx.clock.now();
  // The wall clock, not the queue's: the id's time only places it in the indexes.
  const jobId = newJobId();
  const tasks = spec.tasks ?? [];
  const open = spec.open ?? false;
  // Only a reused idempotency key is compared by content: without a key, skip hashing
  // every task (a microsecond each on a large submission).
  const payloadHash =
    spec.idempotencyKey === undefined
      ? ''
      : canonicalHash({
          kind: spec.kind,
          payload: spec.payload ?? null,
          priority: spec.priority ?? 'NORMAL',
          tasks,
          open,
          retry: spec.retry ?? null,
        });
  if (tasks.length > ctx.maxTasksPerJob) throw new TooManyTasksError(jobId, ctx.maxTasksPerJob);
  const checked = checkTasks(ctx, tasks);
  const retry = checkRetry(spec.retry);
  if (spec.traceparent !== undefined && !isTraceParent(spec.traceparent)) {
    throw new InvalidSubmissionError(
      `traceparent: expected a W3C traceparent, got ${JSON.stringify(spec.traceparent)}`,
      {
        details: 'Give it as 00-<32 hex trace id>-<16 hex span id>-<2 hex flags>, or leave it out.',
      },
    );
  }
  const values = {
    job_id: jobId,
    tenant,
    kind: spec.kind,
    payload: JSON.stringify(spec.payload ?? null),
    payload_hash: payloadHash,
    priority: priorityLevel(spec.priority ?? 'NORMAL'),
    idempotency_key: spec.idempotencyKey ?? null,
    sealed: 0,
    max_attempts: ctx.maxAttempts,
    max_tasks: ctx.maxTasksPerJob,
    ...retry,
    traceparent: spec.traceparent ?? null,
    aging_ms: ctx.agingMs,
    now,
  };
  const statements = [
    ...sqlRows('jobs_insert', {}, [jobRow(values)]),
    ...insertStatements(values, checked).statements,
  ];
  // Sealing last finishes a job with no tasks at once.
  if (!open) statements.push(sql('job_seal', values));
  statements.push(sql('job_get_submitted', values));
  return {
    jobId,
    payloadHash,
    idempotencyKey: spec.idempotencyKey,
    statements,
    taskCount: tasks.length,
    tasks: checked,
    values,
  };
}

/**
 * How many of `submission`'s statements to run when committing it (the first ones): all
 * but the read-back when it has no idempotency key. Its job then has a fresh id that no
 * other row can hold, so the row the insert returns tells whether it was stored, and a
 * statement per submission is saved (the read-back stays in `statements` for a commit
 * whose answer was lost).
 */
export function committedCount(submission: CommittableSubmission): number {
  const { length } = submission.statements;
  return submission.idempotencyKey === undefined ? length - 1 : length;
}

/**
 * Whether a group may store `submission` as a row of one insert with its neighbours
 * ({@link jobsInsert}): it stores its job and nothing else (no tasks, left open, no
 * idempotency key: of its statements only the job's insert runs), and nothing watches
 * what its statements return. A tube run submitted through the API is one.
 */
export function storesJobAlone(submission: CommittableSubmission): boolean {
  return committedCount(submission) === 1 && !submission.watcher;
}

/**
 * The statements storing the jobs of `submissions` (each {@link storesJobAlone}), in
 * their order: one insert of many rows instead of one each. Each returns the ids of the
 * jobs it stored.
 */
export function jobsInsert(submissions: readonly CommittableSubmission[]): SqlStatement[] {
  const rows = submissions.map((s) => s.statements[0]!.params as SqlValue[]);
  return sqlRows('jobs_insert', {}, rows);
}

/**
 * What a committed submission resolved to, from the rows its last statement read: the
 * new job, the job already holding its idempotency key, or
 * {@link IdempotencyConflictError} when that job was submitted with other content.
 */
export function submissionResult(
  submission: CommittableSubmission,
  rows: readonly SqlRow[],
): SubmitResult {
  const { jobId } = submission;
  const row = rows.find((r) => r.id === jobId) ?? rows[0];
  if (!row) throw new Error(`job ${jobId} was neither inserted nor found`);
  if (row.id === jobId) return { jobId, created: true };
  if (row.payload_hash !== submission.payloadHash) {
    throw new IdempotencyConflictError(submission.idempotencyKey!, String(row.id));
  }
  return { jobId: String(row.id), created: false };
}

/**
 * Add tasks to an open job (a tube run expanding its next epoch). A CID the job already
 * has is skipped; returns how many were new.
 */
export async function addTasks(
  ctx: QueueContext,
  tenant: string,
  jobId: string,
  tasks: readonly TaskSpec[],
): Promise<number> {
  const now = ctx.clock.now();
  const values = {
    tenant,
    job_id: jobId,
    max_attempts: ctx.maxAttempts,
    max_tasks: ctx.maxTasksPerJob,
    aging_ms: ctx.agingMs,
    now,
  };
  const { statements, inserts } = insertStatements(values, checkTasks(ctx, tasks));
  const results = await ctx.driver.batch([...statements, sql('job_exists', values)]);
  const job = results.at(-1)!.rows;
  requireJobOpen(jobId, job);
  const added = inserts.reduce((sum, at) => sum + results[at]!.changes, 0);
  // At the limit the insert takes nothing more; this call's tasks may have crossed it.
  if (Number(job[0]!.total) >= ctx.maxTasksPerJob && added < tasks.length) {
    throw new TooManyTasksError(jobId, ctx.maxTasksPerJob);
  }
  return added;
}

/** Declare that an open job gets no more tasks: it finishes when they do. */
export async function sealJob(ctx: QueueContext, tenant: string, jobId: string): Promise<void> {
  const values = { tenant, job_id: jobId, now: ctx.clock.now() };
  const [sealed, exists] = await ctx.driver.batch([
    sql('job_seal', values),
    sql('job_exists', values),
  ]);
  if (sealed!.rows.length === 0) requireJobOpen(jobId, exists!.rows);
}
