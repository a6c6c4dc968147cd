import type { SqlResult, SqlStatement } from './backend.ts';
import type { QueueContext } from './context.ts';
import { operationMark } from './mark.ts';
import { priorityOf } from './priority.ts';
import { sql } from './sql.ts';
import type { ClaimedTask, ClaimRequest } from './types.ts';
import { normalizeTags, requireId, requireInt } from './validate.ts';

/** Most tasks one claim may take (one transaction must stay short: it holds the write lock). */
export const MAX_CLAIM = 1_000;

/**
 * The statements of a claim, to run in one transaction: expired leases are reaped first
 * (so a crashed worker's tasks come back without a separate sweeper), the worker's
 * last-seen time is refreshed, then up to `max` tasks are leased in priority-with-aging
 * order among those whose tags the worker has; their jobs start running and get one
 * `tasks.leased` event each, and the last statement reads the tasks back
 * ({@link claimedTasks}, which also records their waits).
 */
export function claimStatements(ctx: QueueContext, request: ClaimRequest): SqlStatement[] {
  return claimStatementsFor(ctx, checkClaim(ctx, request));
}

/** {@link claimStatements} of a request already checked (an offer is checked once, when added). */
export function claimStatementsFor(ctx: QueueContext, claim: CheckedClaim): SqlStatement[] {
  const values = {
    worker_id: claim.workerId,
    tags: JSON.stringify(claim.tags),
    max: claim.max,
    lease_ms: claim.leaseMs,
    mark: operationMark(),
    max_expiries: ctx.maxLeaseExpiries,
    now: ctx.clock.now(),
  };
  return [
    sql('leases_reap', values),
    sql('worker_seen', values),
    sql('tasks_claim', values),
    sql('claimed_jobs_running', values),
    sql('claimed_events', values),
    sql('claimed_tasks', values),
  ];
}

/** A claim request checked, with its defaults filled in. */
export interface CheckedClaim {
  readonly workerId: string;
  readonly tags: readonly string[];
  readonly max: number;
  readonly leaseMs: number;
}

/** Check a claim request (naming the bad field) and fill in its defaults. */
export function checkClaim(ctx: QueueContext, request: ClaimRequest): CheckedClaim {
  const workerId = requireId(request.workerId, 'workerId');
  return {
    workerId,
    tags: normalizeTags(request.tags, `worker ${workerId}`),
    max: requireInt(request.max ?? 1, 'max', 1, MAX_CLAIM),
    leaseMs: requireInt(request.leaseMs ?? ctx.leaseMs, 'leaseMs', 1, 24 * 3_600_000),
  };
}

/**
 * The tasks a claim took, in claim order, from the results of {@link claimStatements}; their
 * waits go to the latency histogram. Call once per claim.
 */
export function claimedTasks(ctx: QueueContext, results: readonly SqlResult[]): ClaimedTask[] {
  const rows = JSON.parse(String(results.at(-1)!.rows[0]!.tasks)) as ClaimedRow[];
  for (const row of rows) ctx.latency.observe('wait', row[11]);
  // An aggregate's order is unspecified: restore the claim order (rank, then id).
  return rows.sort((a, b) => a[7] - b[7] || a[0] - b[0]).map(toClaimedTask);
}

/** A task as claimed_tasks lists it (see there for the order of the fields). */
type ClaimedRow = [
  id: number,
  jobId: string,
  cid: string,
  nodeId: string | null,
  epoch: string | null,
  input: unknown,
  priority: number,
  rank: number,
  attempts: number,
  maxAttempts: number,
  leaseExpiresAt: number,
  waitMs: number,
];

function toClaimedTask(row: ClaimedRow): ClaimedTask {
  return {
    id: row[0],
    jobId: row[1],
    cid: row[2],
    nodeId: row[3],
    epoch: row[4],
    input: row[5],
    priority: priorityOf(row[6]),
    attempt: row[8],
    maxAttempts: row[9],
    leaseExpiresAt: row[10],
  };
}

/** Lease up to `max` ready tasks to a worker in one transaction (see {@link claimStatements}). */
export async function claimTasks(ctx: QueueContext, request: ClaimRequest): Promise<ClaimedTask[]> {
  // A claim need not survive a crash: losing it leaves the tasks queued, as an expired
  // lease would, so the embedded driver skips its flush (the next durable commit covers it).
  const results = await ctx.driver.batch(claimStatements(ctx, request), 'write-relaxed');
  return claimedTasks(ctx, results);
}

/** Return tasks whose lease expired to the queue (claims do this too); returns how many. */
export async function reapExpiredLeases(ctx: QueueContext): Promise<number> {
  const [reaped] = await ctx.driver.batch([
    sql('leases_reap', { max_expiries: ctx.maxLeaseExpiries, now: ctx.clock.now() }),
  ]);
  return reaped!.changes;
}
