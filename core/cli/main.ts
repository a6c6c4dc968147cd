import { parseArgs } from 'node:util';
import { NodeRunError, RunCancelledError, TubeExhaustedError } from '../runners/errors.ts';
import { InputError, TubeLoadError } from '../tube/errors.ts';
import { isApiCommandError } from './api-errors.ts';
import type { CommandIO } from './commands.ts';
import { commandHelp, versionText } from './help.ts';
import { assertPortFree } from './port-check.ts';
import type { ServeArguments } from './serve-command.ts';
import { parseRunArguments, parseTubeArguments } from './tube-options.ts';
import { USAGE, UsageError } from './usage.ts';
import type { WorkerArguments } from './worker-command.ts';

// Each command's module is imported when that command runs: `noob --help` or `noob run`
// need not load the job platform, the queue or libp2p.

/**
 * The `noob` command line. Returns the exit code: 0 success, 1 a node failed at run time,
 * 2 an invalid tube or usage. Errors print as messages that name the file, node and
 * epoch; a stack trace only with NOOB_DEBUG=1.
 */
export async function main(argv: readonly string[], io: CommandIO = process): Promise<number> {
  let tracing: { stop(): Promise<void> } | undefined;
  try {
    // Only when OTEL_EXPORTER_OTLP_*ENDPOINT asks for it (docs/tracing.md); the spans not
    // yet sent go before the command returns.
    if (TRACED.has(argv[0] ?? ''))
      tracing = await (await import('../tracing/command.ts')).startCommandTracing(argv[0]);
    return await dispatch(argv, io);
  } catch (error) {
    return report(error, io);
  } finally {
    await tracing?.stop();
  }
}

/** The commands that export spans when tracing is configured. */
const TRACED = new Set(['serve', 'coordinator', 'worker', 'run', 'peer']);

async function dispatch(argv: readonly string[], io: CommandIO): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--version' || command === '-V' || command === 'version') {
    io.stdout.write(`${versionText()}\n`);
    return 0;
  }
  if (command !== undefined && (rest.includes('--help') || rest.includes('-h')))
    return printHelp(command, io);
  switch (command) {
    case 'run':
      return (await import('./commands.ts')).runCommand(parseRunArguments(rest), io);
    case 'worker': {
      let parsed: ReturnType<typeof parseArgs>;
      try {
        parsed = parseArgs({
          args: await withBareAllowModules(rest),
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
            token: { type: 'string' },
          },
        });
      } catch (error) {
        throw new UsageError((error as Error).message);
      }
      if (parsed.values.http) await assertPortFree(parsed.values.port, parsed.values.host);
      return (await import('./worker-command.ts')).workerCommand(
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
          args: await withBareAllowModules(rest),
          options: {
            port: { type: 'string', default: '8787' },
            host: { type: 'string', default: '127.0.0.1' },
            db: { type: 'string' },
            workers: { type: 'string' },
            'allow-modules': { type: 'string' },
            peers: { type: 'string' },
          },
        });
      } catch (error) {
        throw new UsageError((error as Error).message);
      }
      await assertPortFree(parsed.values.port, parsed.values.host);
      return (await import('./serve-command.ts')).serveCommand(
        parsed.values as unknown as ServeArguments,
        io,
      );
    }
    case 'keys':
      return (await import('./keys-command.ts')).keysCommand(rest, io);
    case 'jobs':
      return (await import('./jobs-command.ts')).jobsCommand(rest, io);
    case 'workers':
      return (await import('./workers-command.ts')).workersCommand(rest, io);
    case 'settle':
      return (await import('./settle-command.ts')).settleCommand(rest, io);
    case 'claim':
      return (await import('./claim-command.ts')).claimCommand(rest, io);
    case 'peer':
      return (await import('./peer-command.ts')).peerCommand(await withBareAllowModules(rest), io);
    case 'coordinator':
      return (await import('./coordinator-command.ts')).coordinatorCommand(rest, io);
    case 'validate':
      return (await import('./commands.ts')).validateCommand(parseTubeArguments(rest).tube, io);
    case 'schema':
      if (rest.length > 0)
        throw new UsageError(`schema takes no arguments (got ${rest.join(' ')})`);
      return (await import('./commands.ts')).schemaCommand(io);
    case 'help':
      return rest[0] === undefined ? printHelp(undefined, io) : printHelp(rest[0], io);
    case '--help':
    case '-h':
      return printHelp(undefined, io);
    case undefined:
      io.stderr.write(`noob: no command given\n\n${USAGE}\n`);
      return 2;
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

/**
 * `--allow-modules` may stand alone (all modules) or take a list; parseArgs wants a value
 * for a string option, so a bare one (last, or before another option) becomes `=*`.
 */
async function withBareAllowModules(args: readonly string[]): Promise<string[]> {
  const { ALL_MODULES } = await import('./serve-command.ts');
  return args.map((arg, i) =>
    arg === '--allow-modules' && (i + 1 === args.length || args[i + 1]!.startsWith('-'))
      ? `--allow-modules=${ALL_MODULES}`
      : arg,
  );
}

/** `noob help`, `noob help COMMAND`, `noob COMMAND --help`: on stdout, exit 0. */
function printHelp(command: string | undefined, io: CommandIO): number {
  const text = command === undefined ? USAGE : commandHelp(command);
  if (text === undefined) throw new UsageError(`unknown command "${command}"`);
  io.stdout.write(`${text}\n`);
  return 0;
}

/**
 * Settings from the environment that are missing or wrong (the tracing exporter's, the
 * chain's for claim and peer): the user's to fix, so one line and exit 2, never a crash.
 */
const CONFIG_ERRORS = new Set(['TracingConfigError', 'ConfigError', 'SettlementConfigError']);

function report(error: unknown, io: CommandIO): number {
  const write = (text: string) => io.stderr.write(`noob: ${text}\n`);
  if (process.env.NOOB_DEBUG && error instanceof Error) io.stderr.write(`${error.stack}\n`);
  if (error instanceof UsageError) {
    write(error.message);
    io.stderr.write('Run "noob help" for the commands, "noob COMMAND --help" for one command.\n');
    return 2;
  }
  if (
    error instanceof TubeLoadError ||
    error instanceof InputError ||
    CONFIG_ERRORS.has((error as Error)?.name)
  ) {
    write((error as Error).message);
    return 2;
  }
  if (isApiCommandError(error)) {
    write(error.message);
    return 1;
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
