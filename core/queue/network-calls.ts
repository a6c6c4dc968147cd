import type { QueueContext } from './context.ts';
import { sql } from './sql.ts';
import { requireId, requireInt } from './validate.ts';

/** A job's node calls run on the peer network, as its coordinator counts them. */
export interface NetworkCalls {
  /** Calls sent to the network. */
  total: number;
  /** Calls whose answer was accepted (by the job's verification). */
  done: number;
  /** Calls that failed (no quorum, the node's error). */
  failed: number;
  /** Calls given up: the run stopped, or no executor answered in time. */
  cancelled: number;
  /** The same counts by node id (the dashboard's graph), absent for none. */
  nodes?: Record<string, NodeNetworkCalls>;
}

/** One node's calls on the peer network (see {@link NetworkCalls.nodes}). */
export interface NodeNetworkCalls {
  total: number;
  done: number;
  failed: number;
  cancelled: number;
  /** Summed time of the accepted calls, from sending to the accepted answer (ms). */
  runMs: number;
}

/**
 * Record how far a job run on the peer network got: its calls there are not tasks in the
 * queue, so its coordinator counts them and they become the job's `progress` (total, done,
 * failed, cancelled) as queued tasks' counts do, with a `job.progress` event carrying them.
 * The counts are the run's: a run starts from zero (one resumed or retried counts again).
 * Its counts by node are kept beside the job (`network_node_calls`) for its graph.
 */
export async function recordNetworkCalls(
  ctx: QueueContext,
  tenant: string,
  jobId: string,
  calls: NetworkCalls,
): Promise<void> {
  requireId(jobId, 'jobId');
  const { nodes = {}, ...counts } = calls;
  requireCounts(counts, 'calls');
  for (const [node, ofNode] of Object.entries(nodes)) requireCounts(ofNode, `node ${node}'s calls`);
  const values = { tenant, job_id: jobId, now: ctx.clock.now() };
  const byNode = { ...values, nodes: JSON.stringify(nodes) };
  await ctx.driver.batch([
    sql('job_network_calls', { ...values, ...counts }),
    sql('network_node_calls_clear', byNode),
    sql('network_node_calls_set', byNode),
    sql('job_network_calls_event', values),
  ]);
}

/** Each count of `counts` a whole number of at least 0, or an error naming it. */
function requireCounts(counts: object, what: string): void {
  for (const [name, value] of Object.entries(counts))
    requireInt(value as number, `${what} ${name}`, 0, Number.MAX_SAFE_INTEGER);
}
