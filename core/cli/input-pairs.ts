import { UsageError } from './usage.ts';

/**
 * `--input key=value` pairs as a record of texts (each read later by the type its input
 * declares); a pair without `=`, or with nothing before it, is a usage error.
 */
export function inputPairs(pairs: readonly string[] | undefined): Record<string, string> {
  const inputs: Record<string, string> = {};
  for (const pair of pairs ?? []) {
    const equals = pair.indexOf('=');
    if (equals <= 0) throw new UsageError(`--input takes key=value, got "${pair}"`);
    inputs[pair.slice(0, equals)] = pair.slice(equals + 1);
  }
  return inputs;
}
