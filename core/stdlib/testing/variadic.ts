/** Python-style `*args` and `**kwargs` taken from a variadic node's inputs. */
export interface VariadicInputs {
  /** Values of positional dependencies, in position order. */
  args: unknown[];
  /** Every other input, by name. */
  kwargs: Record<string, unknown>;
}

const POSITION = /^(0|[1-9]\d*)$/;

/**
 * Splits a variadic node's inputs like upstream's `split_args_kwargs`: upstream keys
 * positional dependencies by their integer index, so here keys that are canonical
 * non-negative integers (`'0'`, `'1'`, …) are `*args`, ordered by index, and every other key
 * not in `declared` is a `**kwargs` entry.
 */
export function splitVariadic(
  inputs: Record<string, unknown>,
  declared: readonly string[] = [],
): VariadicInputs {
  const positional: [number, unknown][] = [];
  const kwargs: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(inputs)) {
    if (POSITION.test(key)) positional.push([Number(key), value]);
    else if (!declared.includes(key)) kwargs[key] = value;
  }
  positional.sort((a, b) => a[0] - b[0]);
  return { args: positional.map(([, value]) => value), kwargs };
}
