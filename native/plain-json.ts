import { MAX_DEPTH } from './contract.ts';

/**
 * Whether `value` is plain JSON that `JSON.stringify` renders exactly as dag-cbor sees
 * it: null, booleans, finite numbers, strings, dense arrays and plain objects of those,
 * nested at most {@link MAX_DEPTH} deep. Then `cidOfJson(JSON.stringify(value))` is the
 * CID `dagCbor.encode(value)` would give; anything else (undefined, NaN, byte arrays,
 * CIDs, class instances, `toJSON`) must take dag-cbor's own path, which encodes or
 * refuses it.
 *
 * `maxStringLength` also turns away values holding a longer string: JSON text is the
 * faster road for many small values, dag-cbor's for long strings (bench/native.ts).
 */
export function isPlainJson(value: unknown, maxStringLength = Number.POSITIVE_INFINITY): boolean {
  return plain(value, maxStringLength, 0);
}

function plain(value: unknown, maxStringLength: number, depth: number): boolean {
  switch (typeof value) {
    case 'string':
      return value.length <= maxStringLength;
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object': {
      if (value === null) return true;
      if (depth === MAX_DEPTH) return false;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++)
          if (!(i in value) || !plain(value[i], maxStringLength, depth + 1)) return false;
        return true;
      }
      const prototype = Object.getPrototypeOf(value);
      if (prototype !== Object.prototype && prototype !== null) return false;
      for (const key in value) {
        if (key.length > maxStringLength) return false;
        if (!plain((value as Record<string, unknown>)[key], maxStringLength, depth + 1))
          return false;
      }
      return true;
    }
    default:
      return false;
  }
}
