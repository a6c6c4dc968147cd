import type { QueueDriver } from './backend.ts';
import { parseJson } from './rows.ts';
import { sql } from './sql.ts';

/**
 * Coordinators' leases on tube runs (table `job_leases`): a coordinator drives a run only
 * while it holds the run's lease, renews it while it runs, and gives it back when it stops.
 * A coordinator that dies stops renewing; past the lease another coordinator (or the
 * same one restarted under its id) takes the run over, and that counts a loss.
 */

/** A tube run a coordinator may take up (see {@link admissibleJobs}). */
export interface AdmissibleJob {
  id: string;
  tenant: string;
  /** Stored priority level: 0 (CRITICAL) comes first. */
  priority: number;
  /** Times the run was taken over from a coordinator that never gave it back. */
  losses: number;
  payload: unknown;
  /** When the run must be done by (ms since the epoch; its timeoutMs), if it has a timeout. */
  deadlineAt?: number;
}

/**
 * Open tube runs that no other coordinator holds a live lease on, at most `perTenant`
 * per tenant (each tenant's most urgent, then oldest), most urgent then oldest first.
 * Includes runs `owner` itself holds.
 */
export async function admissibleJobs(
  driver: QueueDriver,
  owner: string,
  perTenant: number,
  now = Date.now(),
): Promise<AdmissibleJob[]> {
  // Relaxed: a run is only acted on after its lease was taken by a durable write.
  const [found] = await driver.batch(
    [sql('job_leases_admissible', { owner, now, per_tenant: perTenant })],
    'read-relaxed',
  );
  return found!.rows.map((row) => ({
    id: String(row.id),
    tenant: String(row.tenant),
    priority: Number(row.priority),
    losses: Number(row.losses),
    payload: parseJson(row.payload),
    ...(row.deadline_at === null || row.deadline_at === undefined
      ? {}
      : { deadlineAt: Number(row.deadline_at) }),
  }));
}

/** How many runs each tenant has in coordinators' hands now (live leases). */
export async function heldByTenant(
  driver: QueueDriver,
  now = Date.now(),
): Promise<Map<string, number>> {
  const [found] = await driver.batch([sql('job_leases_by_tenant', { now })], 'read-relaxed');
  return new Map(found!.rows.map((row) => [String(row.tenant), Number(row.held)]));
}

/**
 * Take a run's lease for `owner`; its losses so far (counting this take-over if the
 * previous holder never gave it back), or undefined when another coordinator holds it.
 */
export async function claimJob(
  driver: QueueDriver,
  jobId: string,
  owner: string,
  leaseMs: number,
  now = Date.now(),
): Promise<number | undefined> {
  // In a batch, not execute(): its transaction takes the write lock before the statement
  // runs (a RETURNING statement that met another process's lock midway through execute()
  // was left open on the embedded driver, and every later write of the process failed).
  const [claimed] = await driver.batch([
    sql('job_lease_claim', { job_id: jobId, owner, lease_ms: leaseMs, now }),
  ]);
  const row = claimed!.rows[0];
  return row === undefined ? undefined : Number(row.losses);
}

/** Extends `owner`'s leases on `jobIds`; the ids it no longer holds. */
export async function renewJobs(
  driver: QueueDriver,
  owner: string,
  jobIds: readonly string[],
  leaseMs: number,
  now = Date.now(),
): Promise<string[]> {
  if (jobIds.length === 0) return [];
  // A batch, as in claimJob.
  const [renewed] = await driver.batch([
    sql('job_leases_renew', { owner, job_ids: JSON.stringify(jobIds), lease_ms: leaseMs, now }),
  ]);
  const held = new Set(renewed!.rows.map((row) => String(row.job_id)));
  return jobIds.filter((id) => !held.has(id));
}

/** Gives a run's lease back on purpose: another coordinator may take it at once, no loss. */
export async function releaseJob(driver: QueueDriver, jobId: string, owner: string) {
  await driver.execute(sql('job_lease_release', { job_id: jobId, owner }));
}

/** Forgets a finished run's lease. */
export async function dropJobLease(driver: QueueDriver, jobId: string) {
  await driver.execute(sql('job_lease_drop', { job_id: jobId }));
}
