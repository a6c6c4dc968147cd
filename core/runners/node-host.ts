import { Epoch } from '../epoch.ts';
import { Exhausted, NoEvent } from '../events.ts';
import type { NodeContext, NodeInstance } from '../node/define.ts';
import { bindTubeInputs } from '../tube/bind.ts';
import { InputError } from '../tube/errors.ts';
import type { Tube } from '../tube/tube.ts';
import type { ExecutionPlan, PlanNode } from './plan.ts';
import { EXHAUSTED } from './scheduler.ts';

/** A nested tube's runner, as a `tube` node uses it. */
export interface ChildRunner {
  init(): Promise<void>;
  process(inputs: Record<string, unknown>, options?: { signal?: AbortSignal }): Promise<unknown>;
  readonly exhausted: boolean;
  deinit(): Promise<void>;
}

/** How to make a runner for a nested tube (the runner kind decides). */
export type ChildRunnerFactory = (tube: Tube) => ChildRunner;

/**
 * The live node objects of one run: bound functions, running generators, class instances,
 * gather buffers, nested runners. `call` runs one node call and gives back its raw result;
 * `toOutputs` turns a raw result into one value per signal. Every runner kind uses this
 * to execute node calls, wherever that happens (this thread, a worker thread, a worker).
 */
export class NodeHost {
  readonly #plan: ExecutionPlan;
  readonly #childRunner: ChildRunnerFactory | undefined;
  readonly #instances: Array<
    | NodeInstance
    | Iterator<unknown>
    | AsyncIterator<unknown>
    | GatherBuffer
    | ChildRunner
    | undefined
  >;
  #initialized = false;

  constructor(plan: ExecutionPlan, childRunner?: ChildRunnerFactory) {
    this.#plan = plan;
    this.#childRunner = childRunner;
    this.#instances = new Array(plan.nodes.length);
  }

  /**
   * Builds instances and calls `init` hooks (enabled nodes only; `skip` names nodes whose
   * calls run elsewhere, so they get no instance here).
   */
  async init(signal: AbortSignal, skip?: (node: PlanNode) => boolean): Promise<void> {
    for (const node of this.#plan.nodes) {
      if (!node.node.enabled || skip?.(node)) continue;
      this.#instances[node.index] = await this.#create(node, signal);
    }
    this.#initialized = true;
  }

  async #create(node: PlanNode, signal: AbortSignal) {
    const { definition, params } = node.node;
    switch (node.kind) {
      case 'generator':
        return definition.generate!({ ...params }, { nodeId: node.id, signal });
      case 'class': {
        const instance = new definition.class!({ ...params });
        await instance.init?.();
        return instance;
      }
      case 'gather':
        return new GatherBuffer(node.id, params);
      case 'tube': {
        const child = node.node.child!;
        const { tube: _id, ...childInput } = params;
        const bound = bindTubeInputs(child, { ...this.#plan.tube.input, ...childInput });
        if (!bound.ok) {
          throw new InputError(`nested tube ${child.id} (node ${node.id}) is missing inputs`, {
            details: bound.problems.map((p) => `  - ${p.message}`).join('\n'),
          });
        }
        const runner = this.#childRunner!(bound.tube);
        await runner.init();
        return runner;
      }
      default:
        return undefined;
    }
  }

  /** Whether {@link init} has run (and {@link deinit} not yet). */
  get initialized(): boolean {
    return this.#initialized;
  }

  /**
   * Runs one call. Returns the raw result, or a promise of it for async nodes (sync
   * results stay sync so the synchronous runner pays no promise per call).
   */
  call(node: PlanNode, inputs: Record<string, unknown>, context: NodeContext): unknown {
    const instance = this.#instances[node.index];
    switch (node.kind) {
      case 'function':
        return node.node.definition.process!(inputs, context);
      case 'generator': {
        const step = (instance as Iterator<unknown>).next();
        if (isPromise(step)) return step.then((s) => (s.done ? Exhausted : s.value));
        return step.done ? Exhausted : step.value;
      }
      case 'class':
        return (instance as NodeInstance).process(inputs, context);
      case 'map':
        return toList(inputs.value);
      case 'gather':
        return (instance as GatherBuffer).add(inputs, context.epoch);
      case 'tube':
        return this.#callTube(instance as ChildRunner, inputs, context);
      default:
        return NoEvent;
    }
  }

  async #callTube(runner: ChildRunner, inputs: Record<string, unknown>, context: NodeContext) {
    const result = await runner.process(inputs, { signal: context.signal });
    if (result === null || result === undefined) return runner.exhausted ? Exhausted : NoEvent;
    return result;
  }

  /** One value per output signal (`NoEvent` where none), or EXHAUSTED. */
  toOutputs(node: PlanNode, raw: unknown): readonly unknown[] | typeof EXHAUSTED {
    if (raw === Exhausted) return EXHAUSTED;
    const signals = node.node.signals;
    if (node.kind === 'map') return [raw, NoEvent];
    if (node.kind === 'tube') {
      // A nested tube with a keyword return gives an object keyed by its signals.
      const keyed = node.node.child!.nodes.some(
        (n) => n.definition.kind === 'return' && !n.scalarDepends,
      );
      if (!keyed) return [raw === NoEvent ? NoEvent : raw];
    } else if (signals.length === 1) {
      return [raw === undefined ? null : raw];
    }
    if (raw === NoEvent) return signals.map(() => NoEvent);
    if (Array.isArray(raw)) return signals.map((_, i) => (raw[i] === undefined ? NoEvent : raw[i]));
    if (isRecord(raw))
      return signals.map((name) => (raw[name] === undefined ? NoEvent : raw[name]));
    throw new TypeError(
      `a node with signals ${signals.join(', ')} must return an object keyed by signal (got ${typeof raw})`,
    );
  }

  /** Calls `deinit` hooks and drops instances. */
  async deinit(): Promise<void> {
    const errors: unknown[] = [];
    for (const node of this.#plan.nodes) {
      const instance = this.#instances[node.index];
      this.#instances[node.index] = undefined;
      try {
        if (node.kind === 'class') await (instance as NodeInstance | undefined)?.deinit?.();
        else if (node.kind === 'tube') await (instance as ChildRunner | undefined)?.deinit();
        else if (node.kind === 'generator')
          await (instance as Iterator<unknown> | undefined)?.return?.();
      } catch (error) {
        errors.push(error);
      }
    }
    this.#initialized = false;
    if (errors.length > 0) throw new AggregateError(errors, 'node deinit failed');
  }
}

/**
 * A gather's buffer: collects values; emits the list when `n` have arrived (param or
 * slot `n`) or when `trigger` fired; otherwise emits nothing. Inside a map, values are
 * kept apart per parent epoch (the epoch the gather collapses into): the sub-epochs of
 * several parents can be in progress at once (nested maps, concurrent runners, a large
 * map opened a chunk at a time), and each parent gets only its own items.
 */
class GatherBuffer {
  readonly #nodeId: string;
  readonly #n: number | null;
  readonly #flatten: boolean;
  readonly #buckets = new Map<
    string,
    { n: number | null; items: Array<{ epoch: Epoch; value: unknown }> }
  >();

  constructor(nodeId: string, params: Readonly<Record<string, unknown>>) {
    this.#nodeId = nodeId;
    this.#n = typeof params.n === 'number' ? params.n : null;
    this.#flatten = params.flatten === true;
  }

  add(inputs: Record<string, unknown>, epoch: Epoch): unknown {
    const key = epoch.depth > 0 ? String(epoch.parent) : '';
    let bucket = this.#buckets.get(key);
    if (!bucket) {
      bucket = { n: this.#n, items: [] };
      this.#buckets.set(key, bucket);
    }
    if (typeof inputs.n === 'number') bucket.n = inputs.n;
    const trigger = inputs.trigger ?? null;
    bucket.items.push({ epoch, value: inputs.value });
    const flush = bucket.n !== null ? bucket.items.length >= bucket.n : trigger !== null;
    if (!flush) return NoEvent;
    // In epoch order, whatever order the calls finished in (concurrent runners).
    const values = bucket.items
      .sort((a, b) => Epoch.compare(a.epoch, b.epoch))
      .map((item) => item.value);
    bucket.items = [];
    if (key !== '') this.#buckets.delete(key);
    if (!this.#flatten) return values;
    return values.flatMap((value) => {
      if (!Array.isArray(value))
        throw new TypeError(`gather ${this.#nodeId}: flatten needs lists, got ${typeof value}`);
      return value;
    });
  }
}

/** A map's items: a list, a string's characters (as upstream), or any iterable's items. */
function toList(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') return [...value];
  if (value !== null && typeof value === 'object' && Symbol.iterator in value)
    return [...(value as Iterable<unknown>)];
  throw new TypeError(
    `map takes a list (or string, or iterable) on slot "value", got ${value === null ? 'null' : typeof value}`,
  );
}

function isPromise(value: unknown): value is Promise<any> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export { isPromise };
