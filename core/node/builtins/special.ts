import { defineBuiltin } from '../define.ts';

/**
 * The special nodes the engine itself carries out: they change the shape of epochs
 * (map, gather), end a tube (return) or nest one (tube). Their behaviour lives in the
 * scheduler and runners; these definitions give their slots and signals.
 */

/**
 * `return`: what `process()` gives back. Every slot is optional; values from sub-epochs
 * are collected into lists in epoch order. `depends: a.b` returns the value itself.
 */
export const returnNode = defineBuiltin('return', {
  slots: {},
  signals: [],
  variadic: true,
  stateful: false,
  description: 'Collects the values process() returns',
});

/**
 * `map`: splits a list into one sub-epoch per item. Nodes downstream run once per item;
 * signal `n` (in the parent epoch) is the number of items. An empty list fires nothing.
 */
export const mapNode = defineBuiltin('map', {
  slots: { value: { required: true } },
  signals: ['value', 'n'],
  variadic: false,
  stateful: false,
  description: 'Splits a list into one sub-epoch per item',
});

/**
 * `gather`: collects values into a list and emits it when `n` values have arrived
 * (params or slot `n`) or when `trigger` fires. Inside a map's sub-epochs it emits into
 * the parent epoch, collapsing the map. `flatten: true` joins gathered lists one level.
 */
export const gatherNode = defineBuiltin('gather', {
  slots: {
    value: { required: true },
    trigger: { required: false, default: null },
    n: { required: false, default: null },
  },
  params: { n: { type: ['int', 'null'] }, flatten: { type: 'bool' } },
  signals: ['value'],
  variadic: false,
  stateful: true,
  description: 'Collects values into a list until n arrive or a trigger fires',
});

/**
 * `tube`: runs another tube (params.tube: its noob_id) once per epoch. Its slots are the
 * nested tube's process-scoped inputs; its signals are the keys of its return node.
 * Other params become the nested tube's tube-scoped inputs.
 */
export const tubeNode = defineBuiltin('tube', {
  slots: {},
  params: { tube: { type: 'str' } },
  signals: ['value'],
  variadic: true,
  stateful: true,
  description: 'Runs a nested tube once per epoch',
});
