import type { SqlValue } from './backend.ts';
import type { QueueContext } from './context.ts';
import { parseJson, toFailure } from './rows.ts';
import { sql } from './sql.ts';
import type { TaskFailure, TaskState } from './types.ts';

/** Where one task stands, as the coordinator waiting for it sees it. */
export interface TaskOutcome {
  state: TaskState;
  /** The result, once `succeeded`. */
  result?: unknown;
  /** The failure, once `dead`. */
  failure?: TaskFailure;
}

/** One task of a tenant's job by CID, or undefined when there is none. */
export async function taskOutcome(
  ctx: QueueContext,
  tenant: string,
  jobId: string,
  cid: string,
): Promise<TaskOutcome | undefined> {
  const [rows] = await ctx.driver.batch(
    [sql('task_outcome', { tenant, job_id: jobId, cid })],
    'read',
  );
  const row = rows!.rows[0];
  return row ? toOutcome(row) : undefined;
}

/**
 * Several tasks of a tenant's job by CID, in one read: a map from each CID the job has a
 * task for to its outcome (a waiting runner asks for all its pending calls at once).
 */
export async function taskOutcomes(
  ctx: QueueContext,
  tenant: string,
  jobId: string,
  cids: readonly string[],
): Promise<Map<string, TaskOutcome>> {
  const [rows] = await ctx.driver.batch(
    [sql('task_outcomes', { tenant, job_id: jobId, cids: JSON.stringify(cids) })],
    'read',
  );
  return new Map(rows!.rows.map((row) => [String(row.cid), toOutcome(row)]));
}

/** What {@link finalOutcomes} found. */
export interface FinalOutcomes {
  /** How many of the job's tasks are final: the `seen` of the next look (-1: no such job). */
  finished: number;
  /** The final outcomes among the CIDs asked for (none read when nothing became final). */
  outcomes: Map<string, TaskOutcome>;
}

/**
 * The final outcomes (succeeded, dead, cancelled) among several tasks of a tenant's job,
 * in one read, unless the job's count of final tasks is still `seen`: then only that
 * count is read (one row, where reading the outcomes costs a row per CID). A runner
 * polling for its calls' outcomes looks often at little cost this way.
 */
export async function finalOutcomes(
  ctx: QueueContext,
  tenant: string,
  jobId: string,
  cids: readonly string[],
  seen = -1,
): Promise<FinalOutcomes> {
  const [count, rows] = await ctx.driver.batch(
    [
      sql('job_finished_count', { tenant, job_id: jobId }),
      sql('task_outcomes_final', { tenant, job_id: jobId, cids: JSON.stringify(cids), seen }),
    ],
    'read',
  );
  return {
    finished: Number(count!.rows[0]?.finished ?? -1),
    outcomes: new Map(rows!.rows.map((row) => [String(row.cid), toOutcome(row)])),
  };
}

function toOutcome(row: Record<string, SqlValue>): TaskOutcome {
  const state = String(row.state) as TaskState;
  if (state === 'succeeded') return { state, result: parseJson(row.result) };
  if (state === 'dead') return { state, failure: toFailure(row.error) };
  return { state };
}
