import type { TubeNode } from './tube.ts';

/**
 * Map levels. A `map` node runs the nodes downstream of its `value` signal once per item,
 * in sub-epochs; a `gather` downstream of it collapses one level back. Each node therefore
 * runs at a "level": the stack of map nodes whose sub-epochs it runs in (`[]` = root epochs).
 *
 * A node's level is the deepest level among its inputs; its inputs' levels must form one
 * chain (each a prefix of the deepest). Two unrelated maps feeding one node is an error:
 * there is no single sub-epoch in which the node could run.
 */

/** A level: map node ids, outermost first. */
export type Level = readonly string[];

/** What {@link computeLevels} finds. */
export interface LevelAnalysis {
  /** Level each node runs at, by node id. */
  readonly nodeLevels: ReadonlyMap<string, Level>;
  /** Nodes fed by unrelated maps: node id → the two maps. */
  readonly conflicts: ReadonlyArray<{ nodeId: string; maps: [string, string] }>;
}

/** Level at which a signal's events live. */
export function signalLevel(node: TubeNode, nodeLevel: Level, signal: string): Level {
  const kind = node.definition.kind;
  if (kind === 'map' && signal === 'value') return [...nodeLevel, node.id];
  if (kind === 'gather' && nodeLevel.length > 0) return nodeLevel.slice(0, -1);
  return nodeLevel;
}

const isPrefix = (prefix: Level, of: Level): boolean =>
  prefix.length <= of.length && prefix.every((id, i) => of[i] === id);

/**
 * Computes every node's level. `order` must be a topological order of the nodes (the
 * caller checks for cycles first).
 */
export function computeLevels(order: readonly TubeNode[]): LevelAnalysis {
  const byId = new Map(order.map((node) => [node.id, node]));
  const nodeLevels = new Map<string, Level>();
  const conflicts: Array<{ nodeId: string; maps: [string, string] }> = [];
  for (const node of order) {
    let level: Level = [];
    for (const binding of node.bindings) {
      if (binding.source.kind !== 'node') continue;
      const source = byId.get(binding.source.nodeId);
      const sourceLevel = source && nodeLevels.get(source.id);
      if (!source || !sourceLevel) continue;
      const inputLevel = signalLevel(source, sourceLevel, binding.source.signal);
      if (isPrefix(level, inputLevel)) level = inputLevel;
      else if (!isPrefix(inputLevel, level)) {
        const at = inputLevel.findIndex((id, i) => level[i] !== id);
        conflicts.push({ nodeId: node.id, maps: [level[at] ?? level.at(-1)!, inputLevel[at]!] });
      }
    }
    nodeLevels.set(node.id, level);
  }
  return { nodeLevels, conflicts };
}

/**
 * Orders items so that each comes after the items it depends on (declaration order among
 * equals), or finds one cycle: its ids, in dependency order, first id repeated at the end.
 * Dependencies on ids that are not items are ignored (they are reported elsewhere).
 */
export function orderByDependencies<T>(
  items: readonly T[],
  idOf: (item: T) => string,
  dependenciesOf: (item: T) => readonly string[],
): { ok: true; order: T[] } | { ok: false; cycle: string[] } {
  const byId = new Map(items.map((item) => [idOf(item), item]));
  const state = new Map<string, 'visiting' | 'done'>();
  const order: T[] = [];
  const stack: string[] = [];
  let cycle: string[] | undefined;

  const visit = (item: T): void => {
    const id = idOf(item);
    if (cycle || state.get(id) === 'done') return;
    if (state.get(id) === 'visiting') {
      cycle = [...stack.slice(stack.indexOf(id)), id];
      return;
    }
    state.set(id, 'visiting');
    stack.push(id);
    for (const dependency of dependenciesOf(item)) {
      const found = byId.get(dependency);
      if (found) visit(found);
    }
    stack.pop();
    state.set(id, 'done');
    order.push(item);
  };
  for (const item of items) visit(item);
  return cycle ? { ok: false, cycle } : { ok: true, order };
}

/** A topological order of a tube's nodes (dependencies first), or one cycle. */
export function topologicalOrder(nodes: readonly TubeNode[]) {
  return orderByDependencies(
    nodes,
    (node) => node.id,
    (node) =>
      node.bindings.flatMap((binding) =>
        binding.source.kind === 'node' ? [binding.source.nodeId] : [],
      ),
  );
}
