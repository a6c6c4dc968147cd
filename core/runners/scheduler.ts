import { Epoch } from '../epoch.ts';
import type { ExecutionPlan } from './plan.ts';

/**
 * The event-driven scheduler: one topological sorter per epoch, driven by signals
 * resolving. A node is ready in an epoch once every signal it takes has either fired or
 * is known not to fire (NoEvent). If a signal it *requires* did not fire, the node expires
 * instead of running, and its own signals resolve as NoEvent in turn.
 *
 * Map nodes open sub-epochs (one per item) for the nodes at the next level; a gather in
 * those sub-epochs resolves its signal in the parent epoch, once it flushes or once it has
 * finished in every sub-epoch. An epoch finishes when its nodes and sub-epochs have.
 *
 * The scheduler decides only *what* may run; runners decide where and when (in this
 * thread, a worker pool, remote workers) and report back with {@link EpochScheduler.complete}.
 */

/** Node status within one epoch. */
const NOT_HERE = 0;
const WAITING = 1;
const READY = 2;
const RUNNING = 3;
const DONE = 4;
const EXPIRED = 5;

/**
 * Sub-epochs a map opens at once. A larger list opens the rest a chunk at a time, as the
 * runner asks ({@link EpochScheduler.expand}) once the ready calls have run: the work
 * stays linear in the items, memory follows what is in progress, and the runner can
 * yield to the event loop (and see an abort) between chunks.
 */
export const EXPANSION_CHUNK = 1024;

/** Signal status within one epoch. */
const PENDING = 0;
const FIRED = 1;
const SILENT = 2;

/** One epoch (root or sub-epoch) being scheduled. */
export class EpochState {
  readonly epoch: Epoch;
  readonly parent: EpochState | undefined;
  readonly depth: number;
  /** Node status by node index (see the constants above). */
  readonly status: Uint8Array;
  /** Signals still unresolved per node. */
  readonly pending: Int32Array;
  /** 1 when a required signal of the node did not fire: it will expire, not run. */
  readonly doomed: Uint8Array;
  /** Signal status by signal index. */
  readonly signalStatus: Uint8Array;
  /** Signal values by signal index (valid when fired). */
  readonly values: unknown[];
  /** Sub-epochs still open, in creation order (a finished one leaves a hole). */
  readonly children: Array<EpochState | undefined> = [];
  /** This sub-epoch's index in its parent's {@link children}. */
  slot = -1;
  /** Per map node: how many sub-epochs it opened here, and per gather how many finished. */
  readonly maps = new Map<number, { total: number; gathersFinished: Map<number, number> }>();
  /** Nodes of this epoch not yet finished, plus sub-epochs not yet finished. */
  open = 0;
  finished = false;

  constructor(
    epoch: Epoch,
    parent: EpochState | undefined,
    nodeCount: number,
    signalCount: number,
  ) {
    this.epoch = epoch;
    this.parent = parent;
    this.depth = epoch.depth;
    this.status = new Uint8Array(nodeCount);
    this.pending = new Int32Array(nodeCount);
    this.doomed = new Uint8Array(nodeCount);
    this.signalStatus = new Uint8Array(signalCount);
    this.values = new Array(signalCount);
  }

  /** This epoch or the ancestor at `depth`. */
  at(depth: number): EpochState {
    let state: EpochState = this;
    while (state.depth > depth) state = state.parent!;
    return state;
  }

  /** Whether `signal` fired (looking in the ancestor epoch where it lives). */
  fired(signal: number, depth: number): boolean {
    return this.at(depth).signalStatus[signal] === FIRED;
  }

  /** The value of a fired signal (looking in the ancestor epoch where it lives). */
  value(signal: number, depth: number): unknown {
    return this.at(depth).values[signal];
  }
}

/** A node call the scheduler allows: run node `node` in epoch `state`. */
export interface ReadyCall {
  readonly state: EpochState;
  readonly node: number;
}

/** What the scheduler tells its runner. */
export interface SchedulerListener {
  /** A signal fired in an epoch (not called for NoEvent). */
  signalFired?(state: EpochState, signal: number, value: unknown): void;
  /** A root epoch finished, with all its sub-epochs. */
  epochFinished?(state: EpochState): void;
}

/** Marker a runner passes to {@link EpochScheduler.complete} for a finished generator. */
export const EXHAUSTED = Symbol('exhausted');

/** A map's items not yet opened as sub-epochs. */
interface Expansion {
  readonly state: EpochState;
  readonly mapId: string;
  readonly levelKey: string;
  readonly valueSignal: number;
  readonly items: readonly unknown[];
  next: number;
}

/** See the file comment. */
export class EpochScheduler {
  readonly plan: ExecutionPlan;
  readonly #listener: SchedulerListener;
  readonly #ready: ReadyCall[] = [];
  #readyHead = 0;
  /** Nodes that finished for good, with everything downstream: they skip new epochs. */
  readonly #dead: Uint8Array;
  #nextRoot = 0;
  /** Root epochs started and not yet finished, oldest first. */
  readonly #openRoots: EpochState[] = [];
  /**
   * Maps whose items are not all open yet (see {@link EXPANSION_CHUNK}), newest last: the
   * newest opens first, so a map nested in a large one finishes before more open.
   */
  #expansions: Expansion[] = [];
  /** Member nodes by level key, computed once. */
  readonly #members = new Map<string, number[]>();

  constructor(plan: ExecutionPlan, listener: SchedulerListener = {}) {
    this.plan = plan;
    this.#listener = listener;
    this.#dead = new Uint8Array(plan.nodes.length);
  }

  /** True once every source node is exhausted: no new epoch can do anything. */
  get exhausted(): boolean {
    const sources = this.plan.sources;
    return sources.length > 0 && sources.every((source) => this.#dead[source] === 1);
  }

  /** The number the next root epoch will get. */
  get nextEpoch(): number {
    return this.#nextRoot;
  }

  /** Opens the next root epoch; its ready nodes join the queue. */
  startEpoch(): EpochState {
    const state = new EpochState(
      new Epoch(this.#nextRoot++),
      undefined,
      this.plan.nodes.length,
      this.plan.signals.length,
    );
    this.#openRoots.push(state);
    this.#open(state, '', -1, undefined);
    return state;
  }

  /** Whether the call's node finished (ran or expired) in its epoch: nothing left to do. */
  isSettled(call: ReadyCall): boolean {
    const status = call.state.status[call.node];
    return status === DONE || status === EXPIRED;
  }

  /**
   * Whether the call's node has settled in every earlier root epoch still open: a
   * stateful node must not run ahead of itself when several epochs are in flight. (For a
   * node that runs in sub-epochs, an earlier epoch counts only once it has finished.)
   */
  settledInEarlierEpochs(call: ReadyCall): boolean {
    const root = call.state.epoch.root;
    const atRootLevel = this.plan.nodes[call.node]!.level.length === 0;
    for (const open of this.#openRoots) {
      if (open.epoch.root >= root) break;
      if (!atRootLevel) return false;
      const status = open.status[call.node];
      if (status !== DONE && status !== EXPIRED && status !== NOT_HERE) return false;
    }
    return true;
  }

  /**
   * Opens the next chunk of a large map's sub-epochs. Runners call it when
   * {@link takeReady} has nothing: false means there was nothing left to open.
   */
  expand(): boolean {
    const expansion = this.#expansions.at(-1);
    if (!expansion) return false;
    this.#openItems(expansion);
    if (expansion.next >= expansion.items.length) this.#expansions.pop();
    return true;
  }

  /**
   * The next node call that may run, or `undefined` when none is ready now (then
   * {@link expand} may open more of a map's sub-epochs).
   */
  takeReady(): ReadyCall | undefined {
    while (this.#readyHead < this.#ready.length) {
      const call = this.#ready[this.#readyHead++]!;
      // A queued call whose node was expired meanwhile (its source ran dry) is skipped.
      if (call.state.status[call.node] !== READY) continue;
      call.state.status[call.node] = RUNNING;
      return call;
    }
    if (this.#readyHead > 0) {
      this.#ready.length = 0;
      this.#readyHead = 0;
    }
    return undefined;
  }

  /**
   * Gives up on a root epoch after a failure: it no longer holds back later epochs'
   * stateful calls. Its queued calls are dropped with {@link clearReady}.
   */
  abandon(root: EpochState): void {
    const at = this.#openRoots.indexOf(root);
    if (at >= 0) this.#openRoots.splice(at, 1);
  }

  /** Forgets every queued call and unopened map item (after a failed epoch). */
  clearReady(): void {
    this.#ready.length = 0;
    this.#readyHead = 0;
    this.#expansions = [];
  }

  /**
   * Reports a finished call. `outputs` holds one value per output signal (`NoEvent` for
   * those that did not fire), or is {@link EXHAUSTED}. For a map node, `outputs[0]` is the
   * list to split. For a gather in a sub-epoch, its value goes to the parent epoch.
   */
  complete(
    call: ReadyCall,
    outputs: readonly unknown[] | typeof EXHAUSTED,
    isSilent: (value: unknown) => boolean,
  ): void {
    const { state, node } = call;
    const planNode = this.plan.nodes[node]!;
    state.status[node] = DONE;
    if (outputs === EXHAUSTED) {
      this.#exhaust(node, state.epoch.root);
      this.#silenceOutputs(state, node);
    } else if (planNode.kind === 'map') {
      this.#completeMap(state, node, outputs[0]);
    } else if (planNode.kind === 'gather' && state.depth > 0) {
      const value = outputs[0];
      if (!isSilent(value)) {
        const target = state.parent!;
        const signal = planNode.outputSignals[0]!;
        if (target.signalStatus[signal] === PENDING) this.#resolve(target, signal, true, value);
      }
      this.#gatherFinished(state, node);
    } else {
      const signals = planNode.outputSignals;
      for (let i = 0; i < signals.length; i++) {
        const value = outputs[i];
        this.#resolve(state, signals[i]!, !isSilent(value), value);
      }
    }
    this.#nodeFinished(state);
  }

  /** Nodes that run in epochs of `levelKey`. */
  #membersOf(levelKey: string): number[] {
    let members = this.#members.get(levelKey);
    if (!members) {
      members = [];
      for (const node of this.plan.nodes) if (node.levelKey === levelKey) members.push(node.index);
      this.#members.set(levelKey, members);
    }
    return members;
  }

  #open(state: EpochState, levelKey: string, mapSignal: number, item: unknown): void {
    const { nodes } = this.plan;
    const members = this.#membersOf(levelKey);
    if (mapSignal >= 0) {
      state.signalStatus[mapSignal] = FIRED;
      state.values[mapSignal] = item;
    }
    // First count what each member still waits for, given signals already resolved here
    // (a map's item) or in ancestor epochs; only then start resolving anything.
    for (const index of members) {
      const node = nodes[index]!;
      state.status[index] = WAITING;
      let pending = node.inputSignals.length;
      for (let i = 0; i < node.inputSignals.length; i++) {
        const signal = node.inputSignals[i]!;
        const status = state.at(this.plan.signals[signal]!.depth).signalStatus[signal];
        if (status === PENDING) continue;
        pending--;
        if (status === SILENT && node.inputRequired[i]) state.doomed[index] = 1;
      }
      state.pending[index] = pending;
    }
    state.open = members.length;
    for (const index of members) {
      if (state.status[index] !== WAITING) continue;
      const node = nodes[index]!;
      if (!node.node.enabled || this.#dead[index]) this.#expire(state, index);
      else if (state.pending[index] === 0) {
        if (state.doomed[index]) this.#expire(state, index);
        else this.#markReady(state, index);
      }
    }
    if (state.open === 0) this.#finish(state);
  }

  #markReady(state: EpochState, node: number): void {
    state.status[node] = READY;
    this.#ready.push({ state, node });
  }

  /** The node will not run in this epoch: its signals resolve as NoEvent. */
  #expire(state: EpochState, node: number): void {
    state.status[node] = EXPIRED;
    const planNode = this.plan.nodes[node]!;
    if (planNode.kind === 'gather' && state.depth > 0) this.#gatherFinished(state, node);
    else this.#silenceOutputs(state, node);
    this.#nodeFinished(state);
  }

  #silenceOutputs(state: EpochState, node: number): void {
    const planNode = this.plan.nodes[node]!;
    if (planNode.kind === 'map') {
      this.#completeMap(state, node, []);
      return;
    }
    for (const signal of planNode.outputSignals) this.#resolve(state, signal, false, undefined);
  }

  #completeMap(state: EpochState, node: number, list: unknown): void {
    const planNode = this.plan.nodes[node]!;
    const [valueSignal, countSignal] = planNode.outputSignals as unknown as [number, number];
    const items = Array.isArray(list) ? list : [];
    if (items.length === 0) {
      this.#resolve(state, countSignal, false, undefined);
      // No sub-epochs: gathers that would have collapsed them have nothing to give.
      for (const gather of planNode.collapsingGathers) {
        this.#resolve(state, this.plan.nodes[gather]!.outputSignals[0]!, false, undefined);
      }
      return;
    }
    this.#resolve(state, countSignal, true, items.length);
    state.maps.set(node, { total: items.length, gathersFinished: new Map() });
    // Counted open now, so that the epoch cannot finish before its last item has.
    state.open += items.length;
    const expansion: Expansion = {
      state,
      mapId: planNode.id,
      levelKey: [...planNode.level, planNode.id].join('/'),
      valueSignal,
      items,
      next: 0,
    };
    this.#openItems(expansion);
    if (expansion.next < items.length) this.#expansions.push(expansion);
  }

  /** Opens up to {@link EXPANSION_CHUNK} more sub-epochs of a map. */
  #openItems(expansion: Expansion): void {
    const { state, items } = expansion;
    const end = Math.min(items.length, expansion.next + EXPANSION_CHUNK);
    for (let i = expansion.next; i < end; i++) {
      const child = new EpochState(
        state.epoch.child(expansion.mapId, i),
        state,
        this.plan.nodes.length,
        this.plan.signals.length,
      );
      child.slot = state.children.length;
      state.children.push(child);
      expansion.next = i + 1;
      this.#open(child, expansion.levelKey, expansion.valueSignal, items[i]);
    }
  }

  /** A gather finished in one sub-epoch; once it has in all of them, its signal settles. */
  #gatherFinished(state: EpochState, gather: number): void {
    const parent = state.parent!;
    const mapId = state.epoch.segments.at(-1)!.nodeId;
    const map = parent.maps.get(this.plan.indexOf.get(mapId)!)!;
    const finished = (map.gathersFinished.get(gather) ?? 0) + 1;
    map.gathersFinished.set(gather, finished);
    const signal = this.plan.nodes[gather]!.outputSignals[0]!;
    if (finished === map.total && parent.signalStatus[signal] === PENDING) {
      this.#resolve(parent, signal, false, undefined);
    }
  }

  #resolve(state: EpochState, signal: number, fired: boolean, value: unknown): void {
    state.signalStatus[signal] = fired ? FIRED : SILENT;
    if (fired) {
      state.values[signal] = value;
      this.#listener.signalFired?.(state, signal, value);
    }
    const consumers = this.plan.signals[signal]!.consumers;
    for (let i = 0; i < consumers.length; i++) {
      const consumer = consumers[i]!;
      if (this.plan.nodes[consumer]!.level.length === state.depth) {
        if (state.status[consumer] !== NOT_HERE) this.#notify(state, consumer, signal, fired);
      } else {
        this.#notifyDescendants(state, consumer, signal, fired);
      }
    }
  }

  #notifyDescendants(state: EpochState, consumer: number, signal: number, fired: boolean): void {
    for (const child of state.children) {
      if (child === undefined) continue;
      if (child.status[consumer] !== NOT_HERE) this.#notify(child, consumer, signal, fired);
      else this.#notifyDescendants(child, consumer, signal, fired);
    }
  }

  #notify(state: EpochState, node: number, signal: number, fired: boolean): void {
    if (state.status[node] !== WAITING) return;
    if (!fired) {
      const planNode = this.plan.nodes[node]!;
      const at = planNode.inputSignals.indexOf(signal);
      if (planNode.inputRequired[at]) state.doomed[node] = 1;
    }
    if (--state.pending[node]! === 0) {
      if (state.doomed[node]) this.#expire(state, node);
      else this.#markReady(state, node);
    }
  }

  #nodeFinished(state: EpochState): void {
    if (--state.open === 0) this.#finish(state);
  }

  #finish(state: EpochState): void {
    state.finished = true;
    if (state.parent) {
      // Nothing reaches a finished sub-epoch any more: let it go.
      state.parent.children[state.slot] = undefined;
      this.#nodeFinished(state.parent);
      return;
    }
    const at = this.#openRoots.indexOf(state);
    if (at >= 0) this.#openRoots.splice(at, 1);
    this.#listener.epochFinished?.(state);
  }

  /**
   * A source finished for good: it and everything downstream skip later epochs, as if
   * dead when those epochs opened, including later root epochs already open (a runner
   * with several epochs in flight). Their calls cannot have started: a stateful source
   * runs in epoch order, and its dependents wait for it.
   */
  #exhaust(node: number, root: number): void {
    const queue = [node];
    const newlyDead: number[] = [];
    while (queue.length > 0) {
      const current = queue.pop()!;
      if (this.#dead[current]) continue;
      this.#dead[current] = 1;
      newlyDead.push(current);
      for (const signal of this.plan.nodes[current]!.outputSignals) {
        for (const consumer of this.plan.signals[signal]!.consumers) queue.push(consumer);
      }
    }
    for (const open of [...this.#openRoots]) {
      if (open.epoch.root <= root) continue;
      for (const dead of newlyDead) {
        const status = open.status[dead];
        if (status === WAITING || status === READY || status === RUNNING) this.#expire(open, dead);
      }
    }
  }
}
