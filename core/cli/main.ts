import { parseArgs } from 'node:util';
import { NodeRunError, RunCancelledError, TubeExhaustedError } from '../runners/errors.ts';
import { InputError, TubeLoadError } from '../tube/errors.ts';
import {
  type CommandIO,
  runCommand,
  schemaCommand,
  type TubeArguments,
  validateCommand,
} from './commands.ts';
import { coordinatorCommand } from './coordinator-command.ts';
import { keysCommand } from './keys-command.ts';
import { ALL_MODULES, type ServeArguments, serveCommand } from './serve-command.ts';
import { USAGE, UsageError } from './usage.ts';
import { type WorkerArguments, workerCommand } from './worker-command.ts';

/**
 * The `noob` command line. Returns the exit code: 0 success, 1 a node failed at run time,
 * 2 an invalid tube or usage. Errors print as messages that name the file, node and
 * epoch; a stack trace only with NOOB_DEBUG=1.
 */
export async function main(argv: readonly string[], io: CommandIO = process): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (error) {
    return report(error, io);
  }
}

async function dispatch(argv: readonly string[], io: CommandIO): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'run': {
      const { values, tube } = parseTubeArguments(rest, {
        epochs: { type: 'string', short: 'n', default: '1' },
        runner: { type: 'string', default: 'sync' },
        workers: { type: 'string' },
        balance: { type: 'string' },
        db: { type: 'string' },
        json: { type: 'boolean', default: false },
      });
      const epochs = Number(values.epochs);
      if (!Number.isInteger(epochs) || epochs < 0)
        throw new UsageError(`-n takes a whole number of epochs, got "${values.epochs}"`);
      return runCommand(
        {
          ...tube,
          epochs,
          runner: String(values.runner),
          workers: values.workers as string | undefined,
          balance: values.balance as string | undefined,
          db: values.db as string | undefined,
          json: Boolean(values.json),
        },
        io,
      );
    }
    case 'worker': {
      let parsed: ReturnType<typeof parseArgs>;
      try {
        parsed = parseArgs({
          args: withBareAllowModules(rest),
          options: {
            http: { type: 'boolean', default: false },
            db: { type: 'string' },
            port: { type: 'string', default: '9001' },
            host: { type: 'string', default: '127.0.0.1' },
            tags: { type: 'string', default: '' },
            concurrency: { type: 'string', default: '8' },
            'lease-ms': { type: 'string', default: '30000' },
            'allow-modules': { type: 'string' },
            'no-modules': { type: 'boolean', default: false },
          },
        });
      } catch (error) {
        throw new UsageError((error as Error).message);
      }
      return workerCommand(
        {
          ...(parsed.values as unknown as WorkerArguments),
          leaseMs: String(parsed.values['lease-ms']),
        },
        io,
      );
    }
    case 'serve': {
      let parsed: ReturnType<typeof parseArgs>;
      try {
        parsed = parseArgs({
          args: withBareAllowModules(rest),
          options: {
            port: { type: 'string', default: '8787' },
            host: { type: 'string', default: '127.0.0.1' },
            db: { type: 'string' },
            workers: { type: 'string' },
            'allow-modules': { type: 'string' },
          },
        });
      } catch (error) {
        throw new UsageError((error as Error).message);
      }
      return serveCommand(parsed.values as unknown as ServeArguments, io);
    }
    case 'keys':
      return keysCommand(rest, io);
    case 'coordinator':
      return coordinatorCommand(rest, io);
    case 'validate':
      return validateCommand(parseTubeArguments(rest, {}).tube, io);
    case 'schema':
      if (rest.length > 0)
        throw new UsageError(`schema takes no arguments (got ${rest.join(' ')})`);
      return schemaCommand(io);
    case 'help':
    case '--help':
    case '-h':
      io.stdout.write(`${USAGE}\n`);
      return 0;
    case undefined:
      throw new UsageError('no command given');
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

/**
 * `--allow-modules` may stand alone (all modules) or take a list; parseArgs wants a value
 * for a string option, so a bare one (last, or before another option) becomes `=*`.
 */
function withBareAllowModules(args: readonly string[]): string[] {
  return args.map((arg, i) =>
    arg === '--allow-modules' && (i + 1 === args.length || args[i + 1]!.startsWith('-'))
      ? `--allow-modules=${ALL_MODULES}`
      : arg,
  );
}

type OptionSpec = Record<
  string,
  { type: 'string' | 'boolean'; short?: string; default?: string | boolean; multiple?: boolean }
>;

function parseTubeArguments(args: readonly string[], extra: OptionSpec) {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        ...extra,
        input: { type: 'string', short: 'i', multiple: true },
        'search-path': { type: 'string', multiple: true },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) {
    throw new UsageError(
      positionals.length === 0
        ? 'no tube file given'
        : `one tube file at a time (got ${positionals.join(', ')})`,
    );
  }
  const inputText: Record<string, string> = {};
  for (const pair of (values.input as string[] | undefined) ?? []) {
    const equals = pair.indexOf('=');
    if (equals <= 0) throw new UsageError(`--input takes key=value, got "${pair}"`);
    inputText[pair.slice(0, equals)] = pair.slice(equals + 1);
  }
  const tube: TubeArguments = {
    tube: positionals[0]!,
    inputText,
    searchPaths: (values['search-path'] as string[] | undefined) ?? [],
  };
  return { values, tube };
}

function report(error: unknown, io: CommandIO): number {
  const write = (text: string) => io.stderr.write(`noob: ${text}\n`);
  if (process.env.NOOB_DEBUG && error instanceof Error) io.stderr.write(`${error.stack}\n`);
  if (error instanceof UsageError) {
    write(error.message);
    io.stderr.write(`\n${USAGE}\n`);
    return 2;
  }
  if (error instanceof TubeLoadError || error instanceof InputError) {
    write(error.message);
    return 2;
  }
  if (
    error instanceof NodeRunError ||
    error instanceof TubeExhaustedError ||
    error instanceof RunCancelledError
  ) {
    write(error.message);
    return 1;
  }
  write(`unexpected error: ${error instanceof Error ? error.message : String(error)}`);
  if (!process.env.NOOB_DEBUG) io.stderr.write('(set NOOB_DEBUG=1 for the stack trace)\n');
  return 1;
}
