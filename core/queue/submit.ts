import { randomUUID } from 'node:crypto';
import type { SqlResult, SqlRow, SqlStatement, SqlValue } from './backend.ts';
import { canonicalHash } from './canonical.ts';
import type { QueueContext } from './context.ts';
import { IdempotencyConflictError, InvalidSubmissionError } from './errors.ts';
import type { GroupCommit } from './group-commit.ts';
import { requireJobOpen } from './job-state.ts';
import { priorityLevel } from './priority.ts';
import { sql } from './sql.ts';
import type { JobSpec, SubmitResult, TaskSpec } from './types.ts';
import { normalizeTags, requireId, validateTask } from './validate.ts';

/**
 * One task of a submission, checked: `row` is its entry in the `:tasks` JSON of
 * tasks_insert, with only the fields that differ from the defaults tasks_insert fills in
 * (no node or epoch, the job's priority, no tags, ready now, the queue's attempts). Every
 * field SQLite extracts costs on each row: a lean row makes the insert about a third
 * cheaper. `tags` and `level` are kept for a hand-off (see handoff.ts).
 */
export interface CheckedTask {
  readonly row: TaskRow;
  readonly tags: readonly string[];
  /** Its priority level, or undefined for the job's. */
  readonly level: number | undefined;
}

/** A task's entry in the `:tasks` JSON of tasks_insert. */
export interface TaskRow {
  cid: string;
  /** The input as JSON text. */
  input: string;
  nodeId?: string;
  epoch?: string;
  priority?: number;
  tags?: string;
  delayMs?: number;
  maxAttempts?: number;
}

/** Check each task (naming the bad field) and build its row. */
export function checkTasks(tasks: readonly TaskSpec[]): CheckedTask[] {
  return tasks.map((task, i) => {
    validateTask(task, i);
    const tags = normalizeTags(task.tags, `tasks[${i}]`);
    const level = task.priority !== undefined ? priorityLevel(task.priority) : undefined;
    const row: TaskRow = {
      cid: task.cid,
      input: JSON.stringify(task.input ?? null),
      ...(task.nodeId != null ? { nodeId: task.nodeId } : {}),
      ...(task.epoch != null ? { epoch: task.epoch } : {}),
      ...(level !== undefined ? { priority: level } : {}),
      ...(tags.length > 0 ? { tags: JSON.stringify(tags) } : {}),
      ...(task.delayMs ? { delayMs: task.delayMs } : {}),
      ...(task.maxAttempts !== undefined ? { maxAttempts: task.maxAttempts } : {}),
    };
    return { row, tags, level };
  });
}

/** The `:tasks` JSON of tasks_insert for checked tasks. */
export function encodeRows(tasks: readonly CheckedTask[]): string {
  return JSON.stringify(tasks.map((task) => task.row));
}

/** Check tasks and encode them as the `:tasks` JSON of tasks_insert. */
export function encodeTasks(tasks: readonly TaskSpec[]): string {
  return encodeRows(checkTasks(tasks));
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
  /** Run in order in one transaction; the last one is job_get_submitted. */
  readonly statements: readonly SqlStatement[];
  /** How many tasks it stores (a group is capped by tasks as well as submissions). */
  readonly taskCount: number;
  /** Its tasks, checked, in submission order (what a hand-off picks from). */
  readonly tasks: readonly CheckedTask[];
  /** The parameters its statements were built from. */
  readonly values: SubmissionValues;
  /** Whether the job stays open for more tasks (not sealed). */
  readonly open: boolean;
  /** Told what became of its statements (a hand-off, see handoff.ts). */
  readonly watcher?: SubmissionWatcher;
  /** It makes no task ready: every task it stores is leased (see handoff.ts). */
  readonly inert?: boolean;
}

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
  const jobId = randomUUID();
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
        });
  const checked = checkTasks(tasks);
  const values = {
    job_id: jobId,
    tenant,
    kind: spec.kind,
    payload: JSON.stringify(spec.payload ?? null),
    payload_hash: payloadHash,
    priority: priorityLevel(spec.priority ?? 'NORMAL'),
    idempotency_key: spec.idempotencyKey ?? null,
    sealed: 0,
    tasks: encodeRows(checked),
    max_attempts: ctx.maxAttempts,
    aging_ms: ctx.agingMs,
    now,
  };
  // job_count_inserted reads changes(): it must follow tasks_insert directly.
  const statements = [
    sql('job_insert', values),
    sql('tasks_insert', values),
    sql('job_count_inserted', values),
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
    open,
  };
}

/**
 * What a committed submission resolved to, from the rows its last statement read: the
 * new job, the job already holding its idempotency key, or
 * {@link IdempotencyConflictError} when that job was submitted with other content.
 */
export function submissionResult(
  submission: PreparedSubmission,
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
    tasks: encodeTasks(tasks),
    max_attempts: ctx.maxAttempts,
    aging_ms: ctx.agingMs,
    now,
  };
  const [inserted, , exists] = await ctx.driver.batch([
    sql('tasks_insert', values),
    sql('job_count_inserted', values),
    sql('job_exists', values),
  ]);
  requireJobOpen(jobId, exists!.rows);
  return inserted!.changes;
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
