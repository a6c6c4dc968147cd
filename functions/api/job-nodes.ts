import type { Context } from 'hono';
import type { Queue } from '../../core/queue/queue.ts';
import { num } from '../../core/queue/rows.ts';
import { sql } from '../../core/queue/sql.ts';
import type { TaskState } from '../../core/queue/types.ts';
import type { AuthVariables } from './auth.ts';
import type { JobNodes, NodeStatus } from './dashboard-schemas.ts';
import type { TubeJobPayload } from './submit-job.ts';
import type { TubeChecker } from './tube-check-protocol.ts';
import type { TubeGraphNode } from './tube-graph.ts';

/**
 * `GET /v1/jobs/:id/nodes`: the job's tube as a graph (nodes and the nodes they take
 * signals from) with each node's calls counted by state and their mean run time: what the
 * dashboard draws. The tube is read by the checker submissions use (on its threads, as
 * the tenant's turn), which gives its graph as data; the counts are one grouped read of
 * the job's tasks, or for a job run on the peer network (no tasks), of the calls its
 * coordinator counted there by node (job_nodes.sql).
 */

/** Task states as the graph names them (a leased task is running, a dead one failed). */
const COUNTED: Record<TaskState, keyof NodeStatus['tasks']> = {
  queued: 'queued',
  leased: 'running',
  succeeded: 'done',
  dead: 'failed',
  cancelled: 'cancelled',
};

/** Jobs whose graphs are kept (a job's tube never changes; a dashboard asks again and again). */
const KEPT_GRAPHS = 256;

/** The route; 404 for a job that is not the tenant's. */
export function jobNodesRoute(queue: Queue, tubes: TubeChecker) {
  // Most recently asked last; only graphs that were known are kept.
  const graphs = new Map<string, TubeGraphNode[]>();
  const graphFor = async (tenant: string, jobId: string, payload: unknown) => {
    let graph = graphs.get(jobId);
    if (graph) graphs.delete(jobId);
    else graph = await graphOf(tenant, payload, tubes);
    if (!graph) return undefined;
    graphs.set(jobId, graph);
    for (const old of graphs.keys()) {
      if (graphs.size <= KEPT_GRAPHS) break;
      graphs.delete(old);
    }
    return graph;
  };
  return async (c: Context<{ Variables: AuthVariables }>): Promise<Response> => {
    const tenant = c.get('tenant');
    const jobId = c.req.param('id')!;
    const job = await queue.getJob(tenant, jobId, { taskResults: false });
    const [counts] = await queue.driver.batch(
      [sql('job_nodes', { tenant, job_id: jobId })],
      'read',
    );
    const graph = await graphFor(tenant, jobId, job.payload);
    const nodes = new Map<string, NodeStatus>();
    for (const node of graph ?? []) nodes.set(node.id, { ...unseen(node.id), ...node });
    const timing = new Map<string, { ms: number; n: number }>();
    for (const row of counts!.rows) {
      const id = row.node_id === null ? '(unnamed)' : String(row.node_id);
      // A call of a node the tube does not list (a nested tube's, or the tube is unknown).
      const node = nodes.get(id) ?? unseen(id);
      nodes.set(id, node);
      node.tasks[COUNTED[String(row.state) as TaskState]] += num(row.n);
      if (num(row.timed) > 0) timing.set(id, { ms: num(row.run_ms), n: num(row.timed) });
    }
    for (const [id, { ms, n }] of timing) nodes.get(id)!.meanRunMs = ms / n;
    const body: JobNodes = { nodes: [...nodes.values()], complete: graph !== undefined };
    return c.json(body);
  };
}

// A node with no calls yet, and nothing known of it but its id.
function unseen(id: string): NodeStatus {
  const tasks = { queued: 0, running: 0, done: 0, failed: 0, cancelled: 0 };
  return { id, type: null, stateful: false, depends: [], tasks, meanRunMs: null };
}

// The graph of the job's tube; undefined for a job that is not a tube run, or whose tube
// no longer checks (a registered file removed, the checker busy): the graph is unknown.
async function graphOf(
  tenant: string,
  payload: unknown,
  tubes: TubeChecker,
): Promise<TubeGraphNode[] | undefined> {
  const run = payload as Partial<TubeJobPayload> | null;
  if (typeof run?.tube !== 'string') return undefined;
  try {
    return (await tubes.check(tenant, run.tube, run.inputs ?? {})).graph;
  } catch {
    return undefined;
  }
}
