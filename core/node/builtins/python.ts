import { defineAsset } from '../asset.ts';
import { defineNode } from '../define.ts';

/**
 * Built-ins named after Python's, so upstream tube files that use them (`type: sum`) run
 * unchanged.
 */

function toArray(value: unknown, node: string): unknown[] {
  if (Array.isArray(value)) return value;
  if (value !== null && typeof value === 'object' && Symbol.iterator in value) {
    return [...(value as Iterable<unknown>)];
  }
  throw new TypeError(`${node} takes a list, got ${value === null ? 'null' : typeof value}`);
}

/** `sum(iterable, start=0)`: the sum of a list of numbers. */
export const sum = defineNode({
  params: {},
  slots: { iterable: {}, start: { default: 0 } },
  description: 'Sum of a list of numbers',
  process: ({ iterable, start = 0 }) =>
    toArray(iterable, 'sum').reduce<number>((total, item) => total + Number(item), Number(start)),
});

/** `len(obj)`: the length of a list, string or mapping. */
export const len = defineNode({
  params: {},
  slots: { obj: {} },
  description: 'Length of a list, string or mapping',
  process: ({ obj }) =>
    typeof obj === 'string' || Array.isArray(obj) ? obj.length : Object.keys(obj ?? {}).length,
});

/** `min(iterable)`: the smallest item. */
export const min = defineNode({
  params: {},
  slots: { iterable: {} },
  description: 'Smallest item of a list',
  process: ({ iterable }) => toArray(iterable, 'min').reduce((a: any, b: any) => (b < a ? b : a)),
});

/** `max(iterable)`: the largest item. */
export const max = defineNode({
  params: {},
  slots: { iterable: {} },
  description: 'Largest item of a list',
  process: ({ iterable }) => toArray(iterable, 'max').reduce((a: any, b: any) => (b > a ? b : a)),
});

/** `sorted(iterable)`: the items in ascending order. */
export const sorted = defineNode({
  params: {},
  slots: { iterable: {} },
  description: 'Items of a list in ascending order',
  process: ({ iterable }) =>
    [...toArray(iterable, 'sorted')].sort((a: any, b: any) => (a < b ? -1 : a > b ? 1 : 0)),
});

/** Asset types `set`, `list`, `dict`: an empty container shared by the nodes that use it. */
export const containerAssets = {
  set: defineAsset({ create: () => new Set(), description: 'An empty Set' }),
  list: defineAsset({ create: () => [], description: 'An empty array' }),
  dict: defineAsset({ create: () => ({}), description: 'An empty object' }),
};
