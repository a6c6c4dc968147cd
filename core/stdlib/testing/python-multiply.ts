import { NoobError } from '../../errors.ts';

/** Python's `*` refused its operands (e.g. a string times a float). */
export class UnsupportedOperandError extends NoobError {
  override name = 'UnsupportedOperandError' as const;
}

/**
 * Python's `left * right` for the values a tube passes around: numbers multiply; a
 * string or a list times an integer (either side) repeats it, as `'a' * 3 == 'aaa'` and
 * `[1] * 2 == [1, 1]` (zero or fewer times gives an empty one); booleans count as 0 and 1.
 * Anything else is refused as Python refuses it, instead of giving NaN.
 */
export function pythonMultiply(left: unknown, right: unknown): unknown {
  const l = asNumber(left);
  const r = asNumber(right);
  if (l !== undefined && r !== undefined) return l * r;
  if (r !== undefined && Number.isInteger(r)) {
    const repeated = repeat(left, r);
    if (repeated !== undefined) return repeated;
  }
  if (l !== undefined && Number.isInteger(l)) {
    const repeated = repeat(right, l);
    if (repeated !== undefined) return repeated;
  }
  throw new UnsupportedOperandError(
    `unsupported operand types for *: ${pythonType(left)} and ${pythonType(right)}`,
  );
}

function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  return undefined;
}

function repeat(sequence: unknown, times: number): unknown {
  const count = Math.max(0, times);
  if (typeof sequence === 'string') return sequence.repeat(count);
  if (Array.isArray(sequence)) return Array.from({ length: count }, () => sequence).flat(1);
  return undefined;
}

function pythonType(value: unknown): string {
  if (value === null || value === undefined) return "'NoneType'";
  if (typeof value === 'number') return Number.isInteger(value) ? "'int'" : "'float'";
  if (typeof value === 'string') return "'str'";
  if (Array.isArray(value)) return "'list'";
  if (typeof value === 'object') return "'dict'";
  return `'${typeof value}'`;
}
