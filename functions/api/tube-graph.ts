import type { Tube } from '../../core/tube/tube.ts';

/**
 * A tube's shape as plain data: each node and the nodes whose signals it takes. A tube is
 * checked on a thread of its own (tube-check-pool.ts), which gives this back with its
 * summary, so the API draws a job's graph without loading tenant text on its event loop.
 */

/** One node of a {@link tubeGraph}. */
export interface TubeGraphNode {
  id: string;
  type: string;
  /** Stateful nodes run beside the scheduler, not as tasks. */
  stateful: boolean;
  /** Ids of the nodes it takes signals from, each once. */
  depends: string[];
}

/** The graph of a loaded tube, in its node order. */
export function tubeGraph(tube: Tube): TubeGraphNode[] {
  return tube.nodes.map((node) => ({
    id: node.id,
    type: node.type,
    stateful: node.stateful,
    depends: [
      ...new Set(node.bindings.flatMap((b) => (b.source.kind === 'node' ? [b.source.nodeId] : []))),
    ],
  }));
}
