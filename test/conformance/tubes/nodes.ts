/** User-module nodes for the conformance suite's own tubes (`./nodes.ts#name`). */
import { defineNode, NoEvent } from '../../../core/index.ts';

/** A plain function node with a slot default. */
export const scale = defineNode({
  slots: { value: {}, factor: { default: 10 } },
  process: ({ value, factor }) => value * factor,
});

/** An async function node. */
export const slowIncrement = defineNode({
  slots: { value: {} },
  process: async ({ value }) => {
    await new Promise((resolve) => setTimeout(resolve, 1));
    return value + 1;
  },
});

/** A finite source generator (exhausts after `count` values). */
export const finite = defineNode({
  signals: ['item'],
  generate: ({ count = 3 }) =>
    (function* () {
      for (let i = 0; i < count; i++) yield i;
    })(),
});

/** An async generator source. */
export const asyncTicks = defineNode({
  signals: ['tick'],
  generate: () =>
    (async function* () {
      for (let i = 0; ; i++) yield `t${i}`;
    })(),
});

/** Multiple signals: `even` fires on even values, `odd` on odd ones (the other is NoEvent). */
export const parity = defineNode({
  slots: { value: {} },
  signals: ['even', 'odd'],
  process: ({ value }) => (value % 2 === 0 ? { even: value } : { odd: value }),
});

/** Optional slots (default null): reports which arrived. */
export const whichArrived = defineNode({
  slots: { even: { default: null }, odd: { default: null } },
  process: ({ even, odd }) => ({ even: even !== null, odd: odd !== null }),
});

/** Returns NoEvent for values divisible by 3. */
export const skipThirds = defineNode({
  slots: { value: {} },
  process: ({ value }) => (value % 3 === 0 ? NoEvent : value),
});

/** A class node counting its own init/deinit calls and calls. */
class Tally {
  static inits = 0;
  static deinits = 0;
  readonly offset: number;
  calls = 0;
  constructor({ offset = 0 }: Record<string, any>) {
    this.offset = offset;
  }
  init() {
    Tally.inits++;
  }
  process({ value }: Record<string, any>) {
    this.calls++;
    return { total: value + this.offset, calls: this.calls };
  }
  deinit() {
    Tally.deinits++;
  }
}
export const tally = defineNode({
  slots: { value: {} },
  signals: ['total', 'calls'],
  class: Tally,
});
export const tallyCounts = () => ({ inits: Tally.inits, deinits: Tally.deinits });

/** Sleeps `ms` per call, honouring cancellation. */
export const sleepy = defineNode({
  slots: { value: {}, ms: { default: 40 } },
  process: ({ value, ms }, { signal }) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => resolve(value), ms);
      signal.addEventListener('abort', () => {
        clearTimeout(timer);
        reject(signal.reason);
      });
    }),
});

/**
 * Doubles `value`; on `value === slowAt` it first writes its process id to `marker` and
 * sleeps `ms`, so a test can kill the process running it mid-call.
 */
export const slowOnce = defineNode({
  slots: { value: {}, slowAt: { default: -1 }, marker: { default: '' }, ms: { default: 3000 } },
  process: async ({ value, slowAt, marker, ms }) => {
    if (value === slowAt) {
      const { writeFileSync } = await import('node:fs');
      writeFileSync(marker, String(process.pid));
      await new Promise((resolve) => setTimeout(resolve, ms));
    }
    return value * 2;
  },
});
