import { NoobError } from '../errors.ts';

/**
 * Deep copies of values that outlive the node call that made them: a runner asset with
 * `depends` keeps the value its node emitted for the next epoch, copied (as upstream's
 * `deepcopy`) when a node later in the same epoch may still change it.
 *
 * Plain data, arrays, Maps, Sets, Dates, typed arrays and class instances (own fields,
 * same prototype) are copied; functions are shared. A class whose state is not in its own
 * fields (`#private` fields, closures) says how to copy itself with a method under
 * {@link COPY}, as a Python class would with `__deepcopy__`.
 *
 * @example
 * ```ts
 * class Counter {
 *   #next = 0;
 *   [COPY]() { const c = new Counter(); c.#next = this.#next; return c; }
 * }
 * ```
 */
export const COPY: unique symbol = Symbol.for('noob.copy') as never;

/** A value that cannot be copied (a running generator, a promise, …). */
export class ValueCopyError extends NoobError {
  override name = 'ValueCopyError' as const;
}

/** A deep copy of `value` (see the module comment for what is copied how). */
export function deepCopy<T>(value: T): T {
  return copy(value, new Map()) as T;
}

function copy(value: unknown, seen: Map<object, unknown>): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const known = seen.get(value);
  if (known !== undefined) return known;
  const own = (value as { [COPY]?: () => unknown })[COPY];
  if (typeof own === 'function') return remember(seen, value, own.call(value));
  const tag = Object.prototype.toString.call(value);
  if (UNCOPYABLE.has(tag))
    throw new ValueCopyError(
      `cannot copy ${tag.slice(8, -1)}: give the object a [Symbol.for('noob.copy')]() method, or emit a value that can be copied`,
    );
  if (Array.isArray(value)) {
    const out: unknown[] = remember(seen, value, new Array(value.length));
    for (let i = 0; i < value.length; i++) out[i] = copy(value[i], seen);
    return out;
  }
  if (value instanceof Map) {
    const out = remember(seen, value, new Map());
    for (const [k, v] of value) out.set(copy(k, seen), copy(v, seen));
    return out;
  }
  if (value instanceof Set) {
    const out = remember(seen, value, new Set());
    for (const v of value) out.add(copy(v, seen));
    return out;
  }
  if (value instanceof Date) return remember(seen, value, new Date(value.getTime()));
  if (value instanceof RegExp) return remember(seen, value, new RegExp(value));
  if (value instanceof ArrayBuffer) return remember(seen, value, value.slice(0));
  if (ArrayBuffer.isView(value)) {
    const view = value as unknown as { slice?: () => unknown };
    if (typeof view.slice === 'function') return remember(seen, value, view.slice());
    const dv = value as DataView;
    return remember(seen, value, new DataView(dv.buffer.slice(0), dv.byteOffset, dv.byteLength));
  }
  const out = remember(seen, value, Object.create(Object.getPrototypeOf(value)));
  for (const key of Reflect.ownKeys(value)) {
    const descriptor = Object.getOwnPropertyDescriptor(value, key)!;
    if ('value' in descriptor) descriptor.value = copy(descriptor.value, seen);
    Object.defineProperty(out, key, descriptor);
  }
  return out;
}

/** Objects whose state lives inside the engine, out of reach of a copy. */
const UNCOPYABLE = new Set([
  '[object Generator]',
  '[object AsyncGenerator]',
  '[object Promise]',
  '[object WeakMap]',
  '[object WeakSet]',
  '[object WeakRef]',
]);

function remember<T>(seen: Map<object, unknown>, original: object, copied: T): T {
  seen.set(original, copied);
  return copied;
}
