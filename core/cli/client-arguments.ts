import { parseArgs } from 'node:util';
import { UsageError } from './usage.ts';

type OptionSpec = NonNullable<Parameters<typeof parseArgs>[0]>['options'];

/** The options a client command was given, by name (`--json` is always there). */
export type ClientValues = {
  [option: string]: string | boolean | (string | boolean)[] | undefined;
  json?: boolean;
  url?: string;
  key?: string;
};

/** Options every client command takes: where the server is, the key, and `--json`. */
export const CLIENT_OPTIONS = {
  url: { type: 'string' },
  key: { type: 'string' },
  json: { type: 'boolean', default: false },
} as const;

/**
 * The arguments of a client command (`noob jobs ACTION …`, `noob workers`, `noob keys …`):
 * `options` besides {@link CLIENT_OPTIONS}, and exactly `positionals.length` positional
 * arguments, named in `positionals` for the message when one is missing or extra.
 * `usage` ends every message, so the user sees the right spelling.
 */
export function parseClientArguments(
  args: readonly string[],
  options: OptionSpec,
  positionals: readonly string[],
  usage: string,
): { values: ClientValues; positionals: string[] } {
  let parsed: { values: ClientValues; positionals: string[] };
  try {
    parsed = parseArgs({
      args: [...args],
      options: { ...CLIENT_OPTIONS, ...options },
      allowPositionals: true,
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message} (usage: ${usage})`);
  }
  const given = parsed.positionals;
  const empty = given.findIndex((value) => value.trim() === '');
  if (empty >= 0 && empty < positionals.length)
    throw new UsageError(`${positionals[empty]} is empty (usage: ${usage})`);
  if (given.length < positionals.length)
    throw new UsageError(`missing ${positionals[given.length]} (usage: ${usage})`);
  if (given.length > positionals.length)
    throw new UsageError(`unexpected argument "${given[positionals.length]}" (usage: ${usage})`);
  return { values: parsed.values, positionals: given };
}

/** A whole number from `min` up, from an option's text, or a usage error naming the option. */
export function wholeNumber(text: string | undefined, option: string, min = 1): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < min)
    throw new UsageError(`${option} takes a whole number ≥ ${min}, got "${text}"`);
  return value;
}
