/** Nodes for the peer tests' tubes (`./nodes.ts#name`). */
import { defineNode } from '../../../core/index.ts';

/** Doubles its input after `ms` (default 3000): long enough to kill its executor mid-call. */
export const slowDouble = defineNode({
  slots: { value: {}, ms: { default: 3000 } },
  process: async ({ value, ms }) => {
    await new Promise((resolve) => setTimeout(resolve, ms));
    return value * 2;
  },
});

/** Adds noise to its input: a different result every call, which quorum must refuse. */
export const jitter = defineNode({
  slots: { value: {} },
  process: ({ value }) => value + Math.random(),
});
