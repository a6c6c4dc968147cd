import type { ExecutionPlan, PlanNode } from '../plan.ts';

/**
 * Whether a node's calls must all run on one thread: it keeps state between calls (a
 * class instance, a running generator, or a node the tube marks `stateful`). Its one
 * instance lives on that thread, so `init`/`deinit` run once and epoch order holds.
 */
export function isPinned(node: PlanNode): boolean {
  return node.node.stateful || node.kind !== 'function';
}

/**
 * Which thread runs which node: each pinned node that runs on the threads gets a fixed
 * thread, round-robin over pinned nodes in plan order (so two stateful nodes spread over
 * two threads). Stateless nodes have no place (-1): they run on whichever thread is least
 * busy. Returns the thread slot per node index.
 */
export function placeNodes(
  plan: ExecutionPlan,
  threads: number,
  onThreads: (node: PlanNode) => boolean,
): Int32Array {
  const slots = new Int32Array(plan.nodes.length).fill(-1);
  let next = 0;
  for (const node of plan.nodes) {
    if (!node.node.enabled || !onThreads(node) || !isPinned(node)) continue;
    slots[node.index] = next;
    next = (next + 1) % threads;
  }
  return slots;
}
