import { z } from 'zod';
import { apiSchemas } from './schemas.ts';

/**
 * The answers the dashboard's views read besides the job API's own: a job's per-node
 * status (`GET /v1/jobs/{id}/nodes`). Registered with the other schemas, so /openapi.json
 * describes them as the routes send them.
 */

/** How many of one node's calls are in each state. */
export const nodeTaskCounts = z
  .object({
    queued: z.int().describe('Waiting for a worker (or for a retry).'),
    running: z.int().describe('Held by a worker right now.'),
    done: z.int().describe('Succeeded.'),
    failed: z.int().describe('Failed for good (dead-lettered).'),
    cancelled: z.int(),
  })
  .register(apiSchemas, { id: 'NodeTaskCounts' });

/** One node of a job's tube and how its calls are doing. */
export const nodeStatus = z
  .object({
    id: z.string().describe('The node id in the tube.'),
    type: z.string().nullable().describe('Its type (null when the tube could not be read).'),
    stateful: z
      .boolean()
      .describe('Stateful nodes run beside the scheduler (in the coordinator), not as tasks.'),
    depends: z.array(z.string()).describe('The nodes whose signals it takes.'),
    tasks: nodeTaskCounts,
    meanRunMs: z
      .number()
      .nullable()
      .describe('Mean time from claim to result of its succeeded calls (null before one).'),
  })
  .register(apiSchemas, { id: 'NodeStatus' });

/** `GET /v1/jobs/{id}/nodes`. */
export const jobNodes = z
  .object({
    nodes: z.array(nodeStatus).describe("In the tube's order; nodes only seen in tasks last."),
    complete: z
      .boolean()
      .describe(
        "Whether the tube's graph is known: false when the job's tube cannot be read again (its registered file went away), so nodes are those with calls, without edges.",
      ),
  })
  .register(apiSchemas, { id: 'JobNodes' });

/** A job's per-node status as the client reads it. */
export type JobNodes = z.output<typeof jobNodes>;

/** One node's status. */
export type NodeStatus = z.output<typeof nodeStatus>;
