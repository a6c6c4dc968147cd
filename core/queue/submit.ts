import { randomUUID } from 'node:crypto';
import { canonicalHash } from './canonical.ts';
import type { QueueContext } from './context.ts';
import { IdempotencyConflictError, InvalidSubmissionError } from './errors.ts';
import { requireJobOpen } from './job-state.ts';
import { priorityLevel } from './priority.ts';
import { sql } from './sql.ts';
import type { JobSpec, SubmitResult, TaskSpec } from './types.ts';
import { normalizeTags, requireId, validateTask } from './validate.ts';

/** The `:tasks` JSON of tasks_insert. Priority null means "the job's". */
export function encodeTasks(ctx: QueueContext, tasks: readonly TaskSpec[], now: number): string {
  return JSON.stringify(
    tasks.map((task, i) => {
      validateTask(task, i);
      return {
        cid: task.cid,
        nodeId: task.nodeId ?? null,
        epoch: task.epoch ?? null,
        input: JSON.stringify(task.input ?? null),
        priority: task.priority === undefined ? null : priorityLevel(task.priority),
        tags: JSON.stringify(normalizeTags(task.tags, `tasks[${i}]`)),
        runAt: now + (task.delayMs ?? 0),
        maxAttempts: task.maxAttempts ?? ctx.maxAttempts,
      };
    }),
  );
}

/**
 * Store a job and its tasks in one transaction. With an idempotency key the tenant already
 * used, the existing job is returned when the submission is the same, and
 * {@link IdempotencyConflictError} is thrown when it differs.
 */
export async function submitJob(ctx: QueueContext, spec: JobSpec): Promise<SubmitResult> {
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
  const payloadHash = canonicalHash({
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
    tasks: encodeTasks(ctx, tasks, now),
    aging_ms: ctx.agingMs,
    now,
  };
  const statements = [sql('job_insert', values), sql('tasks_insert', values)];
  // Sealing last finishes a job with no tasks at once.
  if (!open) statements.push(sql('job_seal', values));
  statements.push(sql('job_get_submitted', values));
  const results = await ctx.driver.batch(statements);
  const rows = results.at(-1)!.rows;
  const row = rows.find((r) => r.id === jobId) ?? rows[0];
  if (!row) throw new Error(`job ${jobId} was neither inserted nor found`);
  if (row.id === jobId) return { jobId, created: true };
  if (row.payload_hash !== payloadHash) {
    throw new IdempotencyConflictError(spec.idempotencyKey!, String(row.id));
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
    tasks: encodeTasks(ctx, tasks, now),
    aging_ms: ctx.agingMs,
    now,
  };
  const [inserted, exists] = await ctx.driver.batch([
    sql('tasks_insert', values),
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
