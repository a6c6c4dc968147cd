import { parseArgs } from 'node:util';
import type { TubeArguments } from './commands.ts';
import { inputPairs } from './input-pairs.ts';
import type { RunnerChoice } from './runner-choice.ts';
import { UsageError } from './usage.ts';

type OptionSpec = Record<
  string,
  { type: 'string' | 'boolean'; short?: string; default?: string | boolean; multiple?: boolean }
>;

/**
 * The command line of `noob validate`: the tube (positional, or `--tube` as upstream's
 * CLI spells it), `--input key=value` and `--search-path`, plus `extra` options.
 */
export function parseTubeArguments(args: readonly string[], extra: OptionSpec = {}) {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        ...extra,
        tube: { type: 'string' },
        input: { type: 'string', short: 'i', multiple: true },
        'search-path': { type: 'string', multiple: true },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const given = [...(values.tube === undefined ? [] : [String(values.tube)]), ...positionals];
  if (given.length !== 1) {
    throw new UsageError(
      given.length === 0
        ? 'no tube given (a tube file or a noob_id)'
        : `one tube at a time (got ${given.join(', ')})`,
    );
  }
  const tube: TubeArguments = {
    tube: given[0]!,
    inputText: inputPairs(values.input as string[] | undefined),
    searchPaths: (values['search-path'] as string[] | undefined) ?? [],
  };
  return { values, tube };
}

/**
 * The command line of `noob run`: {@link parseTubeArguments} plus the epochs (`-n`,
 * `--epochs`, or upstream's `--n`), the runner and the output format (`--json`, or
 * upstream's `--format json`).
 */
export function parseRunArguments(
  args: readonly string[],
): TubeArguments & RunnerChoice & { epochs: number; json: boolean } {
  const { values, tube } = parseTubeArguments(args, {
    epochs: { type: 'string', short: 'n' },
    n: { type: 'string' },
    runner: { type: 'string', default: 'sync' },
    workers: { type: 'string' },
    balance: { type: 'string' },
    db: { type: 'string' },
    function: { type: 'string' },
    'lambda-concurrency': { type: 'string' },
    bootstrap: { type: 'string' },
    verification: { type: 'string' },
    json: { type: 'boolean', default: false },
    format: { type: 'string' },
  });
  if (values.epochs !== undefined && values.n !== undefined)
    throw new UsageError('give the epochs once: -n/--epochs or --n');
  const epochText = String(values.epochs ?? values.n ?? '1');
  const epochs = Number(epochText);
  if (!/^\d+$/.test(epochText.trim()) || !Number.isInteger(epochs))
    throw new UsageError(`-n takes a whole number of epochs, got "${epochText}"`);
  const format = values.format as string | undefined;
  if (format !== undefined && format !== 'json' && format !== 'lines')
    throw new UsageError(`--format takes json or lines, got "${format}"`);
  if (format === 'lines' && values.json)
    throw new UsageError('--json and --format lines contradict each other: give one');
  return {
    ...tube,
    epochs,
    runner: String(values.runner),
    workers: values.workers as string | undefined,
    balance: values.balance as string | undefined,
    db: values.db as string | undefined,
    function: values.function as string | undefined,
    lambdaConcurrency: values['lambda-concurrency'] as string | undefined,
    bootstrap: values.bootstrap as string | undefined,
    verification: values.verification as string | undefined,
    json: Boolean(values.json) || format === 'json',
  };
}
