import type { Context } from 'hono';
import type { Queue } from '../../core/queue/queue.ts';
import type { WorkerInfo } from '../../core/queue/types.ts';
import type { AuthVariables } from './auth.ts';
import type { Worker } from './schemas.ts';

/**
 * Whose queue a key sees. A tenant key sees its own part of the platform: its jobs' task
 * counts, and the workers with the tasks they hold for it only (every worker serves every
 * tenant, so all are listed, but another tenant's load is not shown). An operator key (a
 * tenant the server was told is the operator's, such as `noob serve`'s `local`) sees the
 * whole queue, with the latency histograms that cover every tenant.
 */

/** How recently a worker must have claimed or heartbeated to count as alive (ms). */
export const ACTIVE_WORKER_MS = 60_000;

/** Whom one request's views of the queue cover. */
export interface ViewScope {
  tenant: string;
  /** The whole platform (true) or the tenant's own part. */
  operator: boolean;
}

/** The scope of the request's key, given the operator tenants. */
export function viewScope(
  c: Context<{ Variables: AuthVariables }>,
  operators: ReadonlySet<string>,
): ViewScope {
  const tenant = c.get('tenant');
  return { tenant, operator: operators.has(tenant) };
}

/** The tenant whose part a scope is, or undefined for the whole queue. */
export function scopedTenant(scope: ViewScope): string | undefined {
  return scope.operator ? undefined : scope.tenant;
}

/**
 * A worker as the API shows it, marked alive when seen in the last {@link ACTIVE_WORKER_MS}
 * (a worker heartbeats while idle, far more often; one that died leaves its row behind).
 */
export function toLiveWorker(worker: WorkerInfo, now: number): Worker {
  return {
    id: worker.id,
    tags: worker.tags,
    startedAt: new Date(worker.startedAt).toISOString(),
    lastSeenAt: new Date(worker.lastSeenAt).toISOString(),
    leased: worker.leased,
    alive: now - worker.lastSeenAt <= ACTIVE_WORKER_MS,
  };
}

/** `GET /v1/workers`: every worker, alive or not, with the tasks it holds in the key's scope. */
export function workersRoute(queue: Queue, operators: ReadonlySet<string>) {
  return async (c: Context<{ Variables: AuthVariables }>): Promise<Response> => {
    const workers = await queue.listWorkers(scopedTenant(viewScope(c, operators)));
    const now = Date.now();
    return c.json({ workers: workers.map((worker) => toLiveWorker(worker, now)) });
  };
}
