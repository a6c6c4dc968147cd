import { defineNode, type NodeContext } from '../../node/define.ts';
import { INT, NUM } from './param-types.ts';
import { pythonMultiply } from './python-multiply.ts';
import { sleep } from './sleep.ts';

/*
 * Class nodes: upstream's `Node` subclasses and plain classes with a process method. A class
 * is constructed with the node's params; its `process` gets the slot values per epoch.
 */

/** `StatefulMultiply(start=0)`: `left × right × n`, where n starts at `start` and grows by one per call. */
export class StatefulMultiply {
  current: number;

  constructor({ start = 0 }: { start?: number } = {}) {
    this.current = start;
  }

  process({ left, right = 1 }: Record<string, any>): number {
    return pythonMultiply(pythonMultiply(left, right), this.current++) as number;
  }
}

/** The `noob.testing.StatefulMultiply` node (stateful: calls must run in epoch order). */
export const statefulMultiply = defineNode({
  params: { start: NUM },
  description: 'Multiplies left × right × a per-call counter.',
  slots: { left: {}, right: { default: 1 } },
  class: StatefulMultiply,
});

/** `Multiply()` → `product`: `left × right` as a class node. */
export class Multiply {
  process({ left, right = 2 }: Record<string, any>): unknown {
    return pythonMultiply(left, right);
  }
}

/** The `noob.testing.Multiply` node. */
export const multiplyClass = defineNode({
  params: {},
  description: 'Multiplies left by right (class).',
  signals: ['product'],
  slots: { left: {}, right: { default: 2 } },
  class: Multiply,
});

/** `VolumeProcess(height=2)` → `volume`: `height × width × depth`. */
export class VolumeProcess {
  readonly height: number;

  constructor({ height = 2 }: { height?: number } = {}) {
    this.height = height;
  }

  process({ width, depth }: Record<string, any>): number {
    return this.height * width * depth;
  }
}

/** The `noob.testing.VolumeProcess` node. */
export const volumeProcess = defineNode({
  params: { height: NUM },
  description: 'Computes height × width × depth.',
  signals: ['volume'],
  slots: { width: {}, depth: {} },
  class: VolumeProcess,
});

/**
 * The `noob.testing.Volume` node: upstream marks a differently named method with
 * `@process_method`; a TS class node always uses `process`, so it is {@link VolumeProcess}.
 */
export const volume = defineNode({
  params: { height: NUM },
  description: 'Computes height × width × depth (decorated method upstream).',
  signals: ['volume'],
  slots: { width: {}, depth: {} },
  class: VolumeProcess,
});

/** `Now()` → `timestamp`: `prefix` + the ISO time the node was constructed. */
export class Now {
  readonly now = new Date();

  process({ prefix = 'Now: ' }: Record<string, any>): string {
    return `${prefix}${this.now.toISOString()}`;
  }
}

/** The `noob.testing.Now` node. */
export const now = defineNode({
  params: {},
  description: 'Returns prefix + the construction time.',
  signals: ['timestamp'],
  slots: { prefix: { default: 'Now: ' } },
  class: Now,
});

/** `InitCounter()` → `inits`, `deinits`: how often `init` and `deinit` have been called. */
export class InitCounter {
  inits = 0;
  deinits = 0;

  init(): void {
    this.inits += 1;
  }

  deinit(): void {
    this.deinits += 1;
  }

  async process(_inputs: Record<string, any>, context?: NodeContext) {
    // Upstream sleeps 10 ms so it does not flood the networked runners with events.
    await sleep(0.01, context?.signal);
    return { inits: this.inits, deinits: this.deinits };
  }
}

/** The `noob.testing.InitCounter` node. */
export const initCounter = defineNode({
  params: {},
  description: 'Reports how many times it was initialised and deinitialised.',
  signals: ['inits', 'deinits'],
  class: InitCounter,
});

/**
 * `CountSource(limit=1000, start=0)` → `index`: start, start + 1, … below `limit`. Unlike
 * `count_source`, a `limit` of 0 is not "unbounded": it emits nothing.
 */
export const countSourceClass = defineNode({
  params: { limit: INT, start: INT },
  description: 'Counts from start while below limit (class form).',
  signals: ['index'],
  generate: ({ limit = 1000, start = 0 }) =>
    (function* () {
      for (let value = start; value < limit; value++) yield value;
    })(),
});

/** `UnannotatedGenerator(limit=1000, start=0)` → `value`: {@link countSourceClass} on the default signal. */
export const unannotatedGenerator = defineNode({
  params: { limit: INT, start: INT },
  description: 'Counts from start while below limit, on the default signal.',
  generate: ({ limit = 1000, start = 0 }) =>
    (function* () {
      for (let value = start; value < limit; value++) yield value;
    })(),
});

/** `CountSourceDecor(start=0)` → `count`: start, start + 1, … forever. */
export const countSourceDecor = defineNode({
  params: { start: INT },
  description: 'Counts up from start forever.',
  signals: ['count'],
  generate: ({ start = 0 }) =>
    (function* () {
      for (let value = start; ; value++) yield value;
    })(),
});
