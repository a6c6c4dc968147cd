/**
 * Deepest nesting of arrays and objects a cache key holds: deeper inputs are checked
 * without the cache (`JSON.stringify` of the key would overflow the stack long before).
 */
const MAX_KEY_DEPTH = 64;

/**
 * Whether `value` is plain JSON that `JSON.stringify` writes faithfully (no undefined,
 * NaN, -0, class instances…), nested at most {@link MAX_KEY_DEPTH} deep and, when
 * `maxValues` is given, made of at most that many values: only then is its text a safe
 * (and, with a budget, cheap) part of a cache key. A walk with its own stack, so no input
 * overflows it.
 */
export function isJson(root: unknown, maxValues = Number.POSITIVE_INFINITY): boolean {
  const pending: Array<{ value: unknown; depth: number }> = [{ value: root, depth: 0 }];
  let values = 0;
  for (let next = pending.pop(); next; next = pending.pop()) {
    if (++values > maxValues) return false;
    const { value, depth } = next;
    if (value === null || typeof value === 'string' || typeof value === 'boolean') continue;
    if (typeof value === 'number') {
      if (Number.isFinite(value) && !Object.is(value, -0)) continue;
      return false;
    }
    if (typeof value !== 'object' || depth >= MAX_KEY_DEPTH) return false;
    if (Array.isArray(value)) {
      if (values + pending.length + value.length > maxValues) return false;
      // An index loop, not values(): a hole (read as undefined) is not JSON either.
      for (let i = 0; i < value.length; i++) pending.push({ value: value[i], depth: depth + 1 });
      continue;
    }
    const prototype = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype && prototype !== null) return false;
    const children = Object.values(value);
    if (values + pending.length + children.length > maxValues) return false;
    for (const child of children) pending.push({ value: child, depth: depth + 1 });
  }
  return true;
}
