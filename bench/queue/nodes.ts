/** The nodes the queue benchmark runs as tasks. */
import { defineNode } from '../../core/index.ts';

/** Does nothing: the no-op task of the throughput figures. */
export const noop = defineNode({
  slots: {},
  description: 'Does nothing',
  process: () => null,
});

/** Returns the wall-clock time it started (ms, sub-ms precision): submit-to-start latency. */
export const stamp = defineNode({
  slots: {},
  description: 'Returns when it started',
  process: () => performance.timeOrigin + performance.now(),
});
