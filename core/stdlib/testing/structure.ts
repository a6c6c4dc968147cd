import { defineNode } from '../../node/define.ts';
import { splitVariadic } from './variadic.ts';

/** `dictify(key, items)` → `value`: `{ [key]: items }`. */
export const dictify = defineNode({
  params: {},
  description: 'Wraps items in an object under key.',
  slots: { key: {}, items: {} },
  process: ({ key, items }) => ({ [key]: items }),
});

const OPTIONAL = { required: false, default: null } as const;

/**
 * `this_or_that(this?, that?, the_other?)` → `value`: an object holding only the slots that
 * arrived (not null or missing). Tests optional slots: the node runs whichever fire.
 */
export const thisOrThat = defineNode({
  params: {},
  description: 'Returns an object of just the optional slots that arrived.',
  slots: { this: OPTIONAL, that: OPTIONAL, the_other: OPTIONAL },
  process: (inputs) => {
    const arrived: Record<string, unknown> = {};
    for (const slot of ['this', 'that', 'the_other'] as const) {
      if (inputs[slot] != null) arrived[slot] = inputs[slot];
    }
    return arrived;
  },
});

/**
 * `input_party(one, two, three, four, five, six, seven)` → `works`: `true` once all seven
 * required slots have values; tests that positional and named depends fill slots in order.
 */
export const inputParty = defineNode({
  params: {},
  description: 'Returns true when all seven slots are filled.',
  signals: ['works'],
  slots: { one: {}, two: {}, three: {}, four: {}, five: {}, six: {}, seven: {} },
  process: () => true,
});

/**
 * `passthrough(value, *args, **kwargs)` → `value`: the tuple `[value, args, kwargs]`, where
 * `args` holds positional extras (integer keys, see {@link splitVariadic}) and `kwargs` every
 * other input (named depends and params) except `value`.
 */
export const passthrough = defineNode({
  description: 'Returns [value, args, kwargs] unchanged.',
  slots: { value: {} },
  variadic: true,
  process: (inputs) => {
    const { args, kwargs } = splitVariadic(inputs, ['value']);
    return [inputs.value, args, kwargs];
  },
});

/**
 * `inject_epoch()` → `value`: the epoch the call belongs to. Upstream injects it through a
 * parameter typed `Epoch`; here it comes from the call's context.
 */
export const injectEpoch = defineNode({
  params: {},
  description: 'Returns the epoch being processed.',
  process: (_inputs, context) => context.epoch,
});
