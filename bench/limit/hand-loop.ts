/**
 * The limit for `bench runner-sync`: a tube's node functions called in a plain loop, with
 * no engine. Each epoch calls every node once in dependency order, with the same input
 * objects the engine builds (slot defaults, params, then the slot values), and keeps each
 * signal's value in a flat array. No scheduler, epochs, events, NoEvent or map/gather:
 * only for tubes whose every node is a source, a function or the return node and fires
 * every epoch (the benchmark's tubes). What the engine adds on top of this loop is its
 * share of the time.
 */
import { topologicalOrder } from '../../core/tube/levels.ts';
import type { Tube } from '../../core/tube/tube.ts';

/** One step of the loop: calls a node and stores its signals. */
type Step = (values: unknown[]) => void;

/** Makes the loop for `tube`: each call of the returned function runs one epoch. */
export function handLoop(tube: Tube): () => unknown {
  const sorted = topologicalOrder(tube.nodes);
  if (!sorted.ok) throw new Error(`tube ${tube.id} has a cycle`);
  const signalIndex = new Map<string, number>();
  for (const node of tube.nodes)
    for (const signal of node.signals) signalIndex.set(`${node.id}.${signal}`, signalIndex.size);
  const context = { nodeId: '', epoch: undefined as never, signal: new AbortController().signal };
  const steps: Step[] = [];
  let result: (values: unknown[]) => unknown = () => null;

  for (const node of sorted.order) {
    const { definition } = node;
    const slots = node.bindings.map((binding) => {
      if (binding.source.kind !== 'node')
        throw new Error(`node ${node.id}: the hand loop takes node signals only`);
      return [
        binding.slot,
        signalIndex.get(`${binding.source.nodeId}.${binding.source.signal}`)!,
      ] as const;
    });
    const outputs = node.signals.map((signal) => signalIndex.get(`${node.id}.${signal}`)!);
    if (definition.kind === 'return') {
      result = node.scalarDepends
        ? (values) => values[slots[0]![1]]
        : (values) => Object.fromEntries(slots.map(([slot, at]) => [slot, values[at]]));
      continue;
    }
    const store = storeOutputs(node.id, node.signals, outputs);
    if (definition.kind === 'generator') {
      const iterator = definition.generate!({ ...node.params }, context) as Iterator<unknown>;
      steps.push((values) => store(values, iterator.next().value));
    } else if (definition.kind === 'function') {
      const base: Record<string, unknown> = {};
      for (const [name, slot] of Object.entries(definition.slots))
        if ('default' in slot) base[name] = slot.default;
      Object.assign(base, node.params);
      const call = definition.process!;
      steps.push((values) => {
        const inputs = { ...base };
        for (const [slot, at] of slots) inputs[slot] = values[at];
        store(values, call(inputs, context));
      });
    } else {
      throw new Error(`node ${node.id}: the hand loop runs sources and functions only`);
    }
  }

  const values = new Array<unknown>(signalIndex.size);
  return () => {
    for (const step of steps) step(values);
    return result(values);
  };
}

/** Stores a raw result: the value itself for one signal, else the object keyed by signal. */
function storeOutputs(nodeId: string, signals: readonly string[], at: readonly number[]) {
  if (signals.length === 1) {
    const only = at[0]!;
    return (values: unknown[], raw: unknown) => {
      values[only] = raw;
    };
  }
  return (values: unknown[], raw: unknown) => {
    if (raw === null || typeof raw !== 'object')
      throw new Error(`node ${nodeId} must return an object keyed by signal`);
    for (let i = 0; i < signals.length; i++)
      values[at[i]!] = (raw as Record<string, unknown>)[signals[i]!];
  };
}
