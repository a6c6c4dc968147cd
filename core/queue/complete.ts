import type { SqlResult, SqlStatement } from './backend.ts';
import { claimedTasks, claimStatements, claimTasks } from './claim.ts';
import type { QueueContext } from './context.ts';
import { operationMark } from './mark.ts';
import { sql } from './sql.ts';
import { type LogChunk, taskLogsStatement } from './task-logs.ts';
import type { ClaimedTask, ClaimRequest } from './types.ts';
import { requireId } from './validate.ts';

/** One finished task and its result. */
export interface Completion {
  taskId: number;
  /** The result (JSON-serializable); not read when `json` is given. */
  result?: unknown;
  /** The result as JSON text already (a worker that checked its size has made it). */
  json?: string;
  /** What the call printed, kept with the task when the result is accepted (see task-logs.ts). */
  logs?: readonly LogChunk[];
}

/**
 * The statements recording results, to run in one transaction. Each result is accepted
 * only from the worker currently holding the task's lease and only once: a late or
 * duplicate report (the lease expired and someone else took the task, or it was already
 * completed) changes nothing. A task whose job was cancelled while it ran becomes
 * cancelled and its result is dropped. Each job gets one `tasks.succeeded` event and one
 * counter update, and finishes when its last task does. A lease that expired but was not
 * yet reaped or reclaimed still counts as held: nobody else has the task, so taking the
 * result is still exactly once and saves a rerun.
 */
export function completionStatements(
  ctx: QueueContext,
  workerId: string,
  completions: readonly Completion[],
): SqlStatement[] {
  requireId(workerId, 'workerId');
  const unique = firstPerTask(completions);
  const values = {
    worker_id: workerId,
    tags: null,
    completions: JSON.stringify(
      unique.map((c) => ({ id: c.taskId, result: c.json ?? JSON.stringify(c.result ?? null) })),
    ),
    // The statements after tasks_complete only need the ids: a far smaller JSON to read.
    task_ids: JSON.stringify(unique.map((c) => c.taskId)),
    mark: operationMark(),
    now: ctx.clock.now(),
  };
  // Output first: it is kept only while the tasks are still this worker's to finish.
  const logs = taskLogsStatement(workerId, unique);
  return [
    sql('worker_seen', values),
    ...(logs ? [logs] : []),
    sql('tasks_complete', values),
    // Events first: a job finished by this completion logs `job.succeeded` after them.
    sql('completed_events', values),
    sql('completed_jobs', values),
    sql('completed_accepted', values),
  ];
}

/**
 * Whether each completion was accepted, from the results of {@link completionStatements};
 * the accepted ones' run times go to the latency histogram. Call once per completion batch.
 */
export function acceptedCompletions(
  ctx: QueueContext,
  completions: readonly Completion[],
  results: readonly SqlResult[],
): boolean[] {
  // The last statement (completed_accepted) lists the accepted ids with their run times.
  const rows = JSON.parse(String(results.at(-1)!.rows[0]!.accepted)) as [number, number | null][];
  const accepted = new Set<number>();
  for (const [id, runMs] of rows) {
    accepted.add(id);
    if (runMs !== null) ctx.latency.observe('run', runMs);
  }
  // A task reported twice in one batch is accepted once: the first report counts.
  return completions.map((c) => accepted.delete(c.taskId));
}

/** The first completion of each task: a repeat in the same batch is a duplicate report. */
function firstPerTask(completions: readonly Completion[]): Completion[] {
  const seen = new Set<number>();
  return completions.filter((c) => !seen.has(c.taskId) && seen.add(c.taskId));
}

/** Record results in one durable transaction (see {@link completionStatements}). */
export async function completeTasks(
  ctx: QueueContext,
  workerId: string,
  completions: readonly Completion[],
): Promise<boolean[]> {
  requireId(workerId, 'workerId');
  if (completions.length === 0) return [];
  // Finishing tasks makes none ready: an idle worker's mark stays good (see handoff.ts).
  const results = await ctx.driver.batch(
    completionStatements(ctx, workerId, completions),
    'write',
    () => ctx.inertCommits++,
  );
  return acceptedCompletions(ctx, completions, results);
}

/** What {@link completeAndClaim} did. */
export interface CompleteAndClaimResult {
  /** Per completion, whether it was accepted. */
  accepted: boolean[];
  /** The tasks newly leased, in claim order. */
  claimed: ClaimedTask[];
}

/**
 * Record results and claim more work in one durable transaction: a busy worker's steady
 * state costs one commit per round instead of two. The claimed tasks need no durability:
 * `onClaimed` gets them as soon as the transaction commits, so a worker can start them
 * while the flush that makes its results durable is still under way; the promise
 * resolves after that flush.
 */
export async function completeAndClaim(
  ctx: QueueContext,
  completions: readonly Completion[],
  request: ClaimRequest,
  onClaimed?: (tasks: ClaimedTask[]) => void,
): Promise<CompleteAndClaimResult> {
  if (completions.length === 0) {
    const claimed = await claimTasks(ctx, request);
    onClaimed?.(claimed);
    return { accepted: [], claimed };
  }
  const completing = completionStatements(ctx, request.workerId, completions);
  let claimed: ClaimedTask[] | undefined;
  const results = await ctx.driver.batch(
    [...completing, ...claimStatements(ctx, request)],
    'write',
    (committed) => {
      claimed = claimedTasks(ctx, committed.slice(completing.length));
      onClaimed?.(claimed);
    },
  );
  return {
    accepted: acceptedCompletions(ctx, completions, results.slice(0, completing.length)),
    claimed: claimed ?? claimedTasks(ctx, results.slice(completing.length)),
  };
}
