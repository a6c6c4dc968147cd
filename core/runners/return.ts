import { Epoch } from '../epoch.ts';
import type { ExecutionPlan, PlanNode } from './plan.ts';
import type { EpochState } from './scheduler.ts';

/**
 * Collects what the return node received during one `process()` call and shapes it as
 * upstream noob does: `depends: a.b` gives the value itself; keyword dependencies give an
 * object with one key per slot; a key that got values from several sub-epochs holds them
 * as a list in epoch order. Values are kept once per (epoch they belong to, slot), since
 * the return node runs in every sub-epoch and parent values reach each of them.
 */
export class ReturnCollector {
  readonly #plan: ExecutionPlan;
  readonly #node: PlanNode | undefined;
  #values = new Map<string, Array<{ epoch: Epoch; value: unknown }>>();
  #seen = new Set<string>();

  constructor(plan: ExecutionPlan) {
    this.#plan = plan;
    this.#node = plan.returnNode >= 0 ? plan.nodes[plan.returnNode] : undefined;
  }

  /** Records one run of the return node in `state`. */
  collect(state: EpochState): void {
    const node = this.#node!;
    node.node.bindings.forEach((binding, i) => {
      const signal = node.bindingSignals[i]!;
      if (signal < 0) return;
      const depth = this.#plan.signals[signal]!.depth;
      if (!state.fired(signal, depth)) return;
      const epoch = state.at(depth).epoch;
      const key = `${epoch}|${binding.slot}`;
      if (this.#seen.has(key)) return;
      this.#seen.add(key);
      const list = this.#values.get(binding.slot) ?? [];
      this.#values.set(binding.slot, list);
      list.push({ epoch, value: state.value(signal, depth) });
    });
  }

  /**
   * The shaped result (null when nothing arrived) for root epoch `root` (default: all
   * collected), then forgets it. Several root epochs can be collected at once when a
   * runner keeps several in flight.
   */
  take(root?: number): unknown {
    const node = this.#node;
    const values = new Map<string, Array<{ epoch: Epoch; value: unknown }>>();
    for (const [slot, entries] of this.#values) {
      const taken =
        root === undefined ? entries : entries.filter((entry) => entry.epoch.root === root);
      if (taken.length > 0) values.set(slot, taken);
      const kept = root === undefined ? [] : entries.filter((entry) => entry.epoch.root !== root);
      if (kept.length > 0) this.#values.set(slot, kept);
      else this.#values.delete(slot);
    }
    if (root === undefined) this.#seen = new Set();
    else
      for (const key of this.#seen)
        if (key.startsWith(`${root}/`) || key.startsWith(`${root}|`)) this.#seen.delete(key);
    if (!node || values.size === 0) return null;
    const shaped = (slot: string) => {
      const list = values.get(slot)!.sort((a, b) => Epoch.compare(a.epoch, b.epoch));
      return list.length === 1 ? list[0]!.value : list.map((entry) => entry.value);
    };
    if (node.node.scalarDepends) return shaped(node.node.bindings[0]!.slot);
    const positional: unknown[] = [];
    const keyword: Record<string, unknown> = {};
    for (const binding of node.node.bindings) {
      if (!values.has(binding.slot)) continue;
      if (binding.position !== undefined) positional.push(shaped(binding.slot));
      else keyword[binding.slot] = shaped(binding.slot);
    }
    const hasKeywords = Object.keys(keyword).length > 0;
    if (positional.length > 0 && hasKeywords) return [positional, keyword];
    return positional.length > 0 ? positional : keyword;
  }
}
