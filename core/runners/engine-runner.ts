import type { Event } from '../events.ts';
import { isNoEvent } from '../events.ts';
import type { NodeContext } from '../node/define.ts';
import { tracingEnabled } from '../tracing/enabled.ts';
import { traceLocalCall } from '../tracing/local-span.ts';
import { InputError } from '../tube/errors.ts';
import { inputTypeProblem, lookupInput } from '../tube/inputs.ts';
import type { Tube } from '../tube/tube.ts';
import { AssetUpdates } from './asset-updates.ts';
import { AssetScopes } from './assets.ts';
import { Breather } from './breather.ts';
import { NodeRunError, RunCancelledError, TubeExhaustedError } from './errors.ts';
import { isPromise, NodeHost } from './node-host.ts';
import { createPlan, type ExecutionPlan, type PlanNode } from './plan.ts';
import { ReturnCollector } from './return.ts';
import type { Runner, RunnerEvents, RunOptions } from './runner.ts';
import { RunnerListeners } from './runner.ts';
import { EpochScheduler, type EpochState, type EXHAUSTED, type ReadyCall } from './scheduler.ts';
import { StatefulQueue } from './stateful-queue.ts';

const NO_OUTPUTS: readonly unknown[] = [];
/** Root epochs a concurrent `run(n)` keeps in flight at most. */
const MAX_EPOCHS_IN_FLIGHT = 4;
/** How many empty epochs `iter` tolerates before giving up on a result (as upstream). */
const MAX_EPOCHS_PER_RESULT = 100;

/** Node kinds whose calls in this process are traced (the tube's own nodes, not the engine's). */
const TRACED_KINDS: ReadonlySet<string> = new Set(['function', 'generator', 'class']);

/**
 * Sends some node calls elsewhere (worker threads, HTTP workers, …). Calls of nodes it
 * does not handle run in this thread: the engine's own nodes (map, gather, return) and
 * whatever the executor keeps local (e.g. nodes using shared assets).
 */
export interface RemoteExecutor {
  /** Whether calls of `node` go through this executor. */
  handles(node: PlanNode): boolean;
  /** Prepares for a run of `plan` (start threads, check workers, …). */
  init?(plan: ExecutionPlan, signal: AbortSignal): Promise<void>;
  /**
   * Runs one call elsewhere; resolves with one value per output signal (`NoEvent` for
   * those that did not fire) or {@link EXHAUSTED}. Rejects with the node's error.
   */
  execute(
    node: PlanNode,
    inputs: Record<string, unknown>,
    context: NodeContext,
  ): Promise<readonly unknown[] | typeof EXHAUSTED>;
  /** Releases everything (threads, connections). */
  close?(): Promise<void>;
}

/** How an {@link EngineRunner} runs calls. */
export interface EngineRunnerOptions {
  /** Where calls go (default: all in this thread). */
  executor?: RemoteExecutor | undefined;
  /** Calls in flight at once within an epoch (default 1: strictly one after another). */
  maxInFlight?: number | undefined;
}

/**
 * The engine every runner is built on: the scheduler, node instances, assets, inputs,
 * the return node and the Runner interface. With no executor it is the synchronous
 * runner; with one, calls fan out (up to `maxInFlight` at once) and results come back to
 * the scheduler here, so every runner gives the same results.
 */
export class EngineRunner implements Runner {
  readonly tube: Tube;
  readonly plan: ExecutionPlan;
  readonly #listeners = new RunnerListeners();
  readonly #host: NodeHost;
  readonly #assets: AssetScopes;
  readonly #collector: ReturnCollector;
  readonly #baseInputs: Array<Record<string, unknown> | undefined>;
  readonly #assetUpdates: AssetUpdates;
  /** Per node: the slots it takes node-scoped assets on (released after each call). */
  readonly #nodeScoped: Array<Array<{ slot: string; name: string }> | undefined>;
  readonly #hasProcessAssets: boolean;
  #scheduler: EpochScheduler;
  #eventId = 0;
  #abort = new AbortController();

  readonly #executor: RemoteExecutor | undefined;
  readonly #maxInFlight: number;
  /** Whether `run(n)` keeps several root epochs in flight (see the constructor). */
  readonly #pipelined: boolean;

  constructor(tube: Tube, options: EngineRunnerOptions = {}) {
    this.tube = tube;
    this.plan = createPlan(tube);
    this.#executor = options.executor;
    this.#maxInFlight = Math.max(1, options.maxInFlight ?? 1);
    this.#host = new NodeHost(this.plan, (child) => new EngineRunner(child));
    this.#assets = new AssetScopes(tube);
    this.#collector = new ReturnCollector(this.plan);
    this.#assetUpdates = new AssetUpdates(this.plan, this.#assets);
    this.#scheduler = this.#createScheduler();
    this.#baseInputs = this.plan.nodes.map(baseInputs);
    this.#nodeScoped = this.plan.nodes.map((node) => {
      const scoped = node.node.bindings.flatMap(({ slot, source }) =>
        source.kind === 'asset' && this.#assets.isNodeScoped(source.name)
          ? [{ slot, name: source.name }]
          : [],
      );
      return scoped.length > 0 ? scoped : undefined;
    });
    this.#hasProcessAssets = Object.values(tube.assets).some((asset) => asset.scope === 'process');
    // Several epochs in flight only where it cannot change results: calls run elsewhere
    // concurrently, and no asset is shared across the nodes of an epoch (runner and
    // process assets are live objects whose mutations would interleave).
    this.#pipelined =
      this.#executor !== undefined &&
      this.#maxInFlight > 1 &&
      Object.values(tube.assets).every((asset) => asset.scope === 'node' && !asset.depends);
  }

  #createScheduler(): EpochScheduler {
    const updates = this.#assetUpdates.any ? this.#assetUpdates : undefined;
    return new EpochScheduler(this.plan, {
      signalFired: (state, signal, value) => {
        if (updates && state.depth === 0) updates.fired(signal, value);
        if (!this.#listeners.has('event')) return;
        const { nodeIndex, name } = this.plan.signals[signal]!;
        const event: Event = {
          id: this.#eventId++,
          timestamp: Date.now(),
          nodeId: this.plan.nodes[nodeIndex]!.id,
          signal: name,
          epoch: state.epoch,
          value,
        };
        this.#listeners.emit('event', event);
      },
    });
  }

  on<K extends keyof RunnerEvents>(type: K, listener: RunnerEvents[K]): () => void {
    return this.#listeners.on(type, listener);
  }

  get exhausted(): boolean {
    return this.#scheduler.exhausted;
  }

  async init(_options: RunOptions = {}): Promise<void> {
    if (this.#host.initialized) return;
    this.#abort = new AbortController();
    this.#scheduler = this.#createScheduler();
    const executor = this.#executor;
    try {
      await this.#assets.startRunner();
      await this.#host.init(
        this.#abort.signal,
        executor ? (node) => executor.handles(node) : undefined,
      );
      await executor?.init?.(this.plan, this.#abort.signal);
    } catch (error) {
      // Undo what did start, so that a later init() starts clean.
      this.#abort.abort();
      await Promise.allSettled([
        this.#host.deinit(),
        executor?.close?.(),
        this.#assets.endRunner(),
      ]);
      throw error;
    }
  }

  async deinit(): Promise<void> {
    if (!this.#host.initialized) return;
    this.#abort.abort();
    try {
      await this.#host.deinit();
      await this.#executor?.close?.();
    } finally {
      await this.#assets.endRunner();
    }
  }

  async process(inputs: Record<string, unknown> = {}, options: RunOptions = {}): Promise<unknown> {
    if (!this.#host.initialized) await this.init();
    if (this.#scheduler.exhausted) {
      throw new TubeExhaustedError(`tube ${this.tube.id} is exhausted: every source has finished`);
    }
    this.#checkProcessInputs(inputs);
    const signal = options.signal ?? this.#abort.signal;
    if (signal.aborted) throw new RunCancelledError(`run of tube ${this.tube.id} was cancelled`);
    if (this.#hasProcessAssets) await this.#assets.startProcess();
    const root = this.#scheduler.startEpoch();
    try {
      if (this.#maxInFlight === 1) await this.#runSequentially(root, inputs, signal);
      else await this.#runConcurrently(root, inputs, signal);
      if (!root.finished)
        throw new Error(`internal: epoch ${root.epoch} stalled with nodes waiting`);
    } catch (error) {
      this.#scheduler.clearReady();
      this.#scheduler.abandon(root);
      this.#collector.take();
      this.#assetUpdates.discard();
      throw error;
    } finally {
      if (this.#hasProcessAssets) await this.#assets.endProcess();
    }
    this.#assetUpdates.apply();
    const result = this.#collector.take();
    if (this.#listeners.has('epoch'))
      this.#listeners.emit('epoch', { epoch: root.epoch.root, result });
    return result;
  }

  /** One call at a time: the fast path (no promise unless a node is async). */
  async #runSequentially(
    root: EpochState,
    inputs: Record<string, unknown>,
    signal: AbortSignal,
  ): Promise<void> {
    const breather = new Breather();
    for (;;) {
      const call = this.#scheduler.takeReady();
      if (call === undefined) {
        if (this.#scheduler.expand()) continue;
        break;
      }
      if (signal.aborted)
        throw new RunCancelledError(
          `run of tube ${this.tube.id} was cancelled in epoch ${root.epoch}`,
        );
      let outputs = this.#runCall(call, inputs, signal);
      if (isPromise(outputs)) outputs = await outputs;
      this.#scheduler.complete(call, outputs as readonly unknown[] | typeof EXHAUSTED, isNoEvent);
      const pause = breather.tick();
      if (pause) await pause;
    }
  }

  /** One epoch with up to `maxInFlight` calls at once. */
  async #runConcurrently(
    root: EpochState,
    inputs: Record<string, unknown>,
    signal: AbortSignal,
  ): Promise<void> {
    await this.#drive(inputs, signal, () => false);
    if (!root.finished) throw new Error(`internal: epoch ${root.epoch} stalled with nodes waiting`);
  }

  /**
   * Runs ready calls of every open epoch, up to `maxInFlight` at once, until none is left
   * and `refill` (called whenever the flow pauses) opens no new work. A stateful node has
   * at most one call in flight, and its calls go in epoch order, across root epochs too.
   */
  async #drive(
    inputs: Record<string, unknown>,
    signal: AbortSignal,
    refill: () => boolean,
  ): Promise<void> {
    const inFlight = new Set<Promise<void>>();
    const busy = new Set<number>();
    const waiting = new StatefulQueue();
    const breather = new Breather();
    const scheduler = this.#scheduler;
    let failure: { error: unknown } | undefined;

    const mayRun = (call: ReadyCall) =>
      !busy.has(call.node) && scheduler.settledInEarlierEpochs(call);
    // Expired meanwhile (its source ran dry in an earlier epoch): nothing to run.
    const settled = (call: ReadyCall) => scheduler.isSettled(call);
    const next = (): ReadyCall | undefined => {
      for (let call = scheduler.takeReady(); call !== undefined; call = scheduler.takeReady()) {
        if (this.plan.nodes[call.node]!.node.stateful) waiting.push(call);
        else return call;
      }
      return waiting.take(mayRun, settled);
    };

    for (;;) {
      while (!failure && inFlight.size < this.#maxInFlight) {
        const pause = breather.tick();
        if (pause) {
          await pause;
          if (failure) break; // a call in flight failed meanwhile
        }
        const call = next();
        if (!call) {
          // Nothing ready: open more of a large map, if one is waiting.
          if (scheduler.expand()) continue;
          break;
        }
        if (signal.aborted) {
          failure = {
            error: new RunCancelledError(
              `run of tube ${this.tube.id} was cancelled in epoch ${call.state.epoch}`,
            ),
          };
          break;
        }
        const outputs = this.#runCall(call, inputs, signal);
        if (!isPromise(outputs)) {
          this.#scheduler.complete(call, outputs, isNoEvent);
          continue;
        }
        const stateful = this.plan.nodes[call.node]!.node.stateful;
        if (stateful) busy.add(call.node);
        const pending: Promise<void> = outputs.then(
          (settled) => {
            inFlight.delete(pending);
            if (stateful) busy.delete(call.node);
            if (!failure) this.#scheduler.complete(call, settled, isNoEvent);
          },
          (error: unknown) => {
            inFlight.delete(pending);
            if (stateful) busy.delete(call.node);
            failure ??= { error };
          },
        );
        inFlight.add(pending);
      }
      if (!failure && refill()) continue;
      if (inFlight.size === 0) break;
      await Promise.race(inFlight);
    }
    if (failure) throw failure.error;
  }

  /**
   * `run(n)` with several root epochs in flight (concurrent runners whose tube allows it):
   * epoch e+1 starts while e is still running, results come back in epoch order.
   */
  async #runPipelined(n: number, signal: AbortSignal): Promise<unknown[]> {
    const results: unknown[] = [];
    const roots: EpochState[] = [];
    const window = Math.min(MAX_EPOCHS_IN_FLIGHT, this.#maxInFlight);
    let opened = 0;
    let completed = 0;
    const refill = (): boolean => {
      while (roots.length > 0 && roots[0]!.finished) {
        const root = roots.shift()!;
        const result = this.#collector.take(root.epoch.root);
        if (result !== null) results.push(result);
        completed++;
        if (this.#listeners.has('epoch'))
          this.#listeners.emit('epoch', { epoch: root.epoch.root, result });
        if (this.#listeners.has('progress'))
          this.#listeners.emit('progress', { completed, total: n });
      }
      let openedNow = false;
      while (opened < n && roots.length < window && !this.#scheduler.exhausted) {
        roots.push(this.#scheduler.startEpoch());
        opened++;
        openedNow = true;
      }
      return openedNow;
    };
    try {
      refill();
      await this.#drive({}, signal, refill);
      refill();
      if (roots.length > 0)
        throw new Error(`internal: epoch ${roots[0]!.epoch} stalled with nodes waiting`);
    } catch (error) {
      this.#scheduler.clearReady();
      for (const root of roots) {
        this.#scheduler.abandon(root);
        this.#collector.take(root.epoch.root);
      }
      throw error;
    }
    return results;
  }

  /** Runs one call (here or through the executor) and gives its outputs per signal. */
  #runCall(
    call: ReadyCall,
    processInputs: Record<string, unknown>,
    signal: AbortSignal,
  ): readonly unknown[] | typeof EXHAUSTED | Promise<readonly unknown[] | typeof EXHAUSTED> {
    const node = this.plan.nodes[call.node]!;
    if (node.kind === 'return') {
      this.#collector.collect(call.state);
      return NO_OUTPUTS;
    }
    const scoped = this.#nodeScoped[node.index];
    if (scoped) return this.#runWithNodeAssets(call, node, processInputs, signal, scoped);
    try {
      const collected = this.#collectInputs(call.state, node, processInputs);
      if (isPromise(collected)) {
        return collected
          .then((nodeInputs) => this.#execute(node, call, nodeInputs, signal))
          .catch((error: unknown) => this.#fail(node, call, error, signal));
      }
      const outputs = this.#execute(node, call, collected, signal);
      return isPromise(outputs)
        ? outputs.catch((error: unknown) => this.#fail(node, call, error, signal))
        : outputs;
    } catch (error) {
      return this.#fail(node, call, error, signal);
    }
  }

  /**
   * A call that takes node-scoped assets: made for it, and released right after it,
   * whatever its outcome, before its outputs reach any other node.
   */
  async #runWithNodeAssets(
    call: ReadyCall,
    node: PlanNode,
    processInputs: Record<string, unknown>,
    signal: AbortSignal,
    scoped: ReadonlyArray<{ slot: string; name: string }>,
  ): Promise<readonly unknown[] | typeof EXHAUSTED> {
    let inputs: Record<string, unknown> | undefined;
    try {
      inputs = await this.#collectInputs(call.state, node, processInputs);
      return await this.#execute(node, call, inputs, signal);
    } catch (error) {
      return this.#fail(node, call, error, signal);
    } finally {
      if (inputs)
        for (const { slot, name } of scoped) await this.#assets.release(name, inputs[slot]);
    }
  }

  #execute(
    node: PlanNode,
    call: ReadyCall,
    nodeInputs: Record<string, unknown>,
    signal: AbortSignal,
  ): readonly unknown[] | typeof EXHAUSTED | Promise<readonly unknown[] | typeof EXHAUSTED> {
    const context: NodeContext = { nodeId: node.id, epoch: call.state.epoch, signal };
    if (this.#executor?.handles(node)) return this.#executor.execute(node, nodeInputs, context);
    // Traced, a node's call here is a span (the engine's own map, gather and return are not).
    if (tracingEnabled() && TRACED_KINDS.has(node.kind)) {
      const traced = { nodeId: node.id, type: node.node.type, epoch: String(call.state.epoch) };
      return traceLocalCall(traced, async () =>
        this.#host.toOutputs(node, await this.#host.call(node, nodeInputs, context)),
      );
    }
    const raw = this.#host.call(node, nodeInputs, context);
    if (isPromise(raw)) return raw.then((value) => this.#host.toOutputs(node, value));
    return this.#host.toOutputs(node, raw);
  }

  /**
   * Input and cancellation errors pass as they are; a node that failed because the run
   * was aborted (it saw the signal) is a cancellation too; anything else names the node
   * and epoch.
   */
  #fail(node: PlanNode, call: ReadyCall, error: unknown, signal: AbortSignal): never {
    if (error instanceof InputError || error instanceof RunCancelledError) throw error;
    if (signal.aborted)
      throw new RunCancelledError(
        `run of tube ${this.tube.id} was cancelled in epoch ${call.state.epoch} (node ${node.id} was running)`,
        { cause: error },
      );
    throw new NodeRunError(node.id, String(call.state.epoch), error);
  }

  async *iter(n?: number, options: RunOptions = {}): AsyncGenerator<unknown> {
    this.#checkProcessInputs({}, 'iter');
    await this.init();
    try {
      const hasReturn = this.plan.returnNode >= 0;
      for (let produced = 0; n === undefined || produced < n; produced++) {
        let result: unknown = null;
        for (let attempt = 0; ; attempt++) {
          if (this.#scheduler.exhausted) return;
          result = await this.process({}, options);
          if (!hasReturn || result !== null) break;
          if (attempt >= MAX_EPOCHS_PER_RESULT) {
            throw new TubeExhaustedError(
              `tube ${this.tube.id} returned nothing for ${MAX_EPOCHS_PER_RESULT} epochs in a row`,
            );
          }
        }
        yield result;
      }
    } finally {
      await this.deinit();
    }
  }

  async run(n: number, options: RunOptions = {}): Promise<unknown[]> {
    this.#checkProcessInputs({}, 'run');
    await this.init();
    if (this.#pipelined) {
      if (this.#scheduler.exhausted) return [];
      const signal = options.signal ?? this.#abort.signal;
      if (signal.aborted) throw new RunCancelledError(`run of tube ${this.tube.id} was cancelled`);
      return this.#runPipelined(n, signal);
    }
    const results: unknown[] = [];
    for (let i = 0; i < n; i++) {
      if (this.#scheduler.exhausted) break;
      const result = await this.process({}, options);
      if (result !== null) results.push(result);
      if (this.#listeners.has('progress'))
        this.#listeners.emit('progress', { completed: i + 1, total: n });
    }
    return results;
  }

  /** Inputs for one call: defaults and params, then every bound slot that has a value. */
  #collectInputs(
    state: EpochState,
    node: PlanNode,
    processInputs: Record<string, unknown>,
  ): Record<string, unknown> | Promise<Record<string, unknown>> {
    const base = this.#baseInputs[node.index];
    const inputs: Record<string, unknown> = base ? { ...base } : {};
    const bindings = node.node.bindings;
    let pendingAssets: Array<Promise<void>> | undefined;
    for (let i = 0; i < bindings.length; i++) {
      const binding = bindings[i]!;
      const signal = node.bindingSignals[i]!;
      if (signal >= 0) {
        const depth = this.plan.signals[signal]!.depth;
        if (state.fired(signal, depth)) inputs[binding.slot] = state.value(signal, depth);
        continue;
      }
      const source = binding.source;
      if (source.kind === 'input') {
        const found = lookupInput(source.name, this.tube.inputs, processInputs, this.tube.input);
        if (!found.found)
          throw new InputError(`node ${node.id} needs input ${source.name}, which was not given`);
        inputs[binding.slot] = found.value;
      } else if (source.kind === 'asset') {
        const asset = this.#assets.get(source.name);
        if (isPromise(asset)) {
          pendingAssets ??= [];
          pendingAssets.push(
            asset.then((value) => {
              inputs[binding.slot] = value;
            }),
          );
        } else {
          inputs[binding.slot] = asset;
        }
      }
    }
    return pendingAssets ? Promise.all(pendingAssets).then(() => inputs) : inputs;
  }

  #checkProcessInputs(inputs: Record<string, unknown>, method?: 'run' | 'iter'): void {
    for (const [name, value] of Object.entries(inputs)) {
      const input = this.tube.inputs[name];
      if (!input) {
        throw new InputError(
          `input ${name} is not declared by tube ${this.tube.id} (its inputs: ${Object.keys(this.tube.inputs).join(', ') || 'none'})`,
        );
      }
      const problem = inputTypeProblem(value, input.type);
      if (problem) throw new InputError(`input ${name} (${input.type}): ${problem}`);
    }
    const missing = Object.values(this.tube.inputs).filter(
      (input) =>
        input.scope === 'process' &&
        !lookupInput(input.id, this.tube.inputs, inputs, this.tube.input).found,
    );
    if (missing.length === 0) return;
    // Every missing input at once, with how to give each: through the API, or the CLI.
    const names = missing.map((input) => `${input.id} (${input.type})`).join(', ');
    const given = missing.map((input) => `${input.id}: …`).join(', ');
    const flags = missing.map((input) => `--input ${input.id}=VALUE`).join(' ');
    const how = method
      ? `${method}() cannot pass per-epoch inputs: give them when loading the tube (CLI: ${flags}), or call process({ ${given} })`
      : `pass them to process({ ${given} })`;
    throw new InputError(
      `missing required input${missing.length > 1 ? 's' : ''} ${names}, scope process: ${how}`,
    );
  }
}

/** Slot defaults, then params (function nodes take params as inputs too). */
function baseInputs(node: PlanNode): Record<string, unknown> | undefined {
  if (node.kind === 'generator' || node.kind === 'return') return undefined;
  const base: Record<string, unknown> = {};
  for (const [name, slot] of Object.entries(node.node.definition.slots)) {
    if ('default' in slot) base[name] = slot.default;
  }
  if (node.kind === 'function') Object.assign(base, node.node.params);
  return Object.keys(base).length > 0 ? base : undefined;
}
