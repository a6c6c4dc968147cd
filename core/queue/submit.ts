import { randomUUID } from 'node:crypto';
import type { QueueDriver, SqlRow, SqlStatement } from './backend.ts';
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
 * The `:tasks` JSON of tasks_insert: for each task its CID and input, and only the fields
 * that differ from the defaults tasks_insert fills in (no node or epoch, the job's
 * priority, no tags, ready now, the queue's attempts). Every field SQLite extracts costs
 * on each row: a lean array makes the insert about a third cheaper.
 */
export function encodeTasks(tasks: readonly TaskSpec[]): string {
  return JSON.stringify(
    tasks.map((task, i) => {
      validateTask(task, i);
      const tags = normalizeTags(task.tags, `tasks[${i}]`);
      return {
        cid: task.cid,
        input: JSON.stringify(task.input ?? null),
        ...(task.nodeId != null ? { nodeId: task.nodeId } : {}),
        ...(task.epoch != null ? { epoch: task.epoch } : {}),
        ...(task.priority !== undefined ? { priority: priorityLevel(task.priority) } : {}),
        ...(tags.length > 0 ? { tags: JSON.stringify(tags) } : {}),
        ...(task.delayMs ? { delayMs: task.delayMs } : {}),
        ...(task.maxAttempts !== undefined ? { maxAttempts: task.maxAttempts } : {}),
      };
    }),
  );
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
  const values = {
    job_id: jobId,
    tenant,
    kind: spec.kind,
    payload: JSON.stringify(spec.payload ?? null),
    payload_hash: payloadHash,
    priority: priorityLevel(spec.priority ?? 'NORMAL'),
    idempotency_key: spec.idempotencyKey ?? null,
    sealed: 0,
    tasks: encodeTasks(tasks),
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

/** Commit one submission in a transaction of its own. */
export async function commitSubmission(
  driver: QueueDriver,
  submission: PreparedSubmission,
): Promise<SubmitResult> {
  const results = await driver.batch([...submission.statements]);
  return submissionResult(submission, results.at(-1)!.rows);
}

/**
 * Store a job and its tasks in one transaction. With an idempotency key the tenant already
 * used, the existing job is returned when the submission is the same, and
 * {@link IdempotencyConflictError} is thrown when it differs. With `group`, the commit is
 * shared with the submissions made meanwhile (same outcome, fewer commits).
 */
export async function submitJob(
  ctx: QueueContext,
  spec: JobSpec,
  group?: GroupCommit,
): Promise<SubmitResult> {
  const submission = prepareSubmission(ctx, spec);
  return group ? group.submit(submission) : commitSubmission(ctx.driver, submission);
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
