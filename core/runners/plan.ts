import { computeLevels, signalLevel, topologicalOrder } from '../tube/levels.ts';
import type { Tube, TubeNode } from '../tube/tube.ts';

/**
 * A tube compiled for scheduling: nodes and their signals numbered, each consumer of a
 * signal listed, each node's level (how deep in map sub-epochs it runs) known. Built once
 * per runner; the scheduler's hot loop works on these arrays only.
 */
export interface ExecutionPlan {
  readonly tube: Tube;
  readonly nodes: readonly PlanNode[];
  readonly signals: readonly PlanSignal[];
  /** Nodes that take no other node's signal (they start every epoch). */
  readonly sources: readonly number[];
  /** The return node's index, or -1. */
  readonly returnNode: number;
  /** Node index by id. */
  readonly indexOf: ReadonlyMap<string, number>;
}

/** One node, as the scheduler sees it. */
export interface PlanNode {
  readonly index: number;
  readonly id: string;
  readonly node: TubeNode;
  readonly kind: TubeNode['definition']['kind'];
  /** Map node ids whose sub-epochs this node runs in, outermost first. */
  readonly level: readonly string[];
  /** `level` joined: nodes with the same key run in the same epochs. */
  readonly levelKey: string;
  /** Distinct signals this node waits for. */
  readonly inputSignals: Int32Array;
  /** For each of `inputSignals`: 1 when the node cannot run without it. */
  readonly inputRequired: Uint8Array;
  /** Signal index per binding (-1 for inputs and assets), aligned with `node.bindings`. */
  readonly bindingSignals: Int32Array;
  /** Signal index per output signal, aligned with `node.signals`. */
  readonly outputSignals: Int32Array;
  /** For map nodes: gathers that collapse this map's sub-epochs back into its epoch. */
  readonly collapsingGathers: Int32Array;
  /**
   * Whether the node may take a live object (see {@link takesLiveObjects}): its calls must
   * run in the runner's own process, where that object lives.
   */
  readonly takesLive: boolean;
}

/** One output signal of one node. */
export interface PlanSignal {
  readonly index: number;
  readonly nodeIndex: number;
  readonly name: string;
  /** Depth (number of map levels) of the epochs its events live in. */
  readonly depth: number;
  /** Nodes that take this signal. */
  readonly consumers: Int32Array;
}

/**
 * The nodes that may take a live object: an asset (a model, a counter, a connection: made
 * in the runner's process, and possibly functions, class instances or iterators that
 * cannot be copied elsewhere), or a signal of a node that takes one (it may hand the
 * object on, as `increment` hands on its iterator). Decided from the tube alone, before
 * any call, so a run never finds out halfway that an object lost its methods crossing a
 * process; every signal of such a node counts, since a tube says nothing of their types.
 */
export function takesLiveObjects(order: readonly TubeNode[]): Set<string> {
  const live = new Set<string>();
  for (const node of order) {
    const taken = node.bindings.some(
      ({ source }) =>
        source.kind === 'asset' || (source.kind === 'node' && live.has(source.nodeId)),
    );
    if (taken) live.add(node.id);
  }
  return live;
}

/** Compiles a loaded tube. */
export function createPlan(tube: Tube): ExecutionPlan {
  const sorted = topologicalOrder(tube.nodes);
  if (!sorted.ok) throw new Error(`tube ${tube.id} has a cycle: ${sorted.cycle.join(' → ')}`);
  const { nodeLevels } = computeLevels(sorted.order);
  const indexById = new Map(tube.nodes.map((node, i) => [node.id, i]));

  const signals: Array<Omit<PlanSignal, 'consumers'> & { consumers: any }> = [];
  const signalIndex = new Map<string, number>();
  for (const node of tube.nodes) {
    const level = nodeLevels.get(node.id)!;
    for (const name of node.signals) {
      signalIndex.set(`${node.id}.${name}`, signals.length);
      signals.push({
        index: signals.length,
        nodeIndex: indexById.get(node.id)!,
        name,
        depth: signalLevel(node, level, name).length,
        consumers: [] as number[],
      });
    }
  }

  const nodes: PlanNode[] = tube.nodes.map((node, index) => {
    const level = nodeLevels.get(node.id)!;
    const bindingSignals = new Int32Array(node.bindings.length).fill(-1);
    const required = new Map<number, boolean>();
    node.bindings.forEach((binding, i) => {
      if (binding.source.kind !== 'node') return;
      const signal = signalIndex.get(`${binding.source.nodeId}.${binding.source.signal}`)!;
      bindingSignals[i] = signal;
      required.set(signal, (required.get(signal) ?? false) || binding.required);
    });
    for (const signal of required.keys()) {
      const consumers = signals[signal]!.consumers as number[];
      if (!consumers.includes(index)) consumers.push(index);
    }
    return {
      index,
      id: node.id,
      node,
      kind: node.definition.kind,
      level,
      levelKey: level.join('/'),
      inputSignals: Int32Array.from(required.keys()),
      inputRequired: Uint8Array.from([...required.values()].map(Number)),
      bindingSignals,
      outputSignals: Int32Array.from(
        node.signals.map((name) => signalIndex.get(`${node.id}.${name}`)!),
      ),
      collapsingGathers: new Int32Array(),
      takesLive: false,
    };
  });
  const live = takesLiveObjects(sorted.order);
  for (const node of nodes) (node as { takesLive: boolean }).takesLive = live.has(node.id);

  for (const map of nodes.filter((n) => n.kind === 'map')) {
    const inner = [...map.level, map.id].join('/');
    (map as { collapsingGathers: Int32Array }).collapsingGathers = Int32Array.from(
      nodes.filter((n) => n.kind === 'gather' && n.levelKey === inner).map((n) => n.index),
    );
  }
  for (const signal of signals) signal.consumers = Int32Array.from(signal.consumers as number[]);

  return {
    tube,
    nodes,
    signals: signals as PlanSignal[],
    sources: nodes.filter((n) => n.inputSignals.length === 0 && n.node.enabled).map((n) => n.index),
    returnNode: nodes.findIndex((n) => n.kind === 'return'),
    indexOf: indexById,
  };
}
