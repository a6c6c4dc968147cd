import { traceTubeRun } from '../tracing/local-span.ts';
import { loadTube } from '../tube/load.ts';
import { tubeJsonSchema } from '../tube/spec.ts';
import { ResultPrinter, toJson } from './output.ts';
import { ProgressBar } from './progress-bar.ts';
import { createRunner, RUNNER_NAMES, type RunnerChoice } from './runner-choice.ts';
import { findTubeFile } from './tube-argument.ts';
import { UsageError } from './usage.ts';

/** Where a command writes. */
export interface CommandIO {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WriteStream;
}

/** Options shared by `run` and `validate`. */
export interface TubeArguments {
  tube: string;
  inputText: Record<string, string>;
  searchPaths: string[];
}

/** The exit code of a run stopped by Ctrl-C (128 + SIGINT), as shells report it. */
export const INTERRUPTED_EXIT_CODE = 130;

/**
 * `noob run`: processes N epochs and prints the non-null results as each epoch finishes.
 * Ctrl-C (SIGINT) cancels the run: the results of the epochs that finished stay printed
 * (a `--json` array is closed), a line on stderr says so, and the exit code is 130. A
 * second Ctrl-C exits at once.
 */
export async function runCommand(
  args: TubeArguments & RunnerChoice & { epochs: number; json: boolean },
  io: CommandIO,
): Promise<number> {
  if (!(RUNNER_NAMES as readonly string[]).includes(args.runner)) {
    throw new UsageError(`unknown runner "${args.runner}" (available: ${RUNNER_NAMES.join(', ')})`);
  }
  const tube = await loadTube(findTubeFile(args.tube, args.searchPaths), {
    inputText: args.inputText,
    searchPaths: args.searchPaths,
  });
  const { runner, close } = await createRunner(tube, args);
  // On a terminal, a bar on stderr once the run has lasted a second (a quick run stays clean);
  // not over a --json array being written piece by piece on the same terminal.
  const bar =
    io.stderr.isTTY && !(args.json && io.stdout.isTTY) ? new ProgressBar(io.stderr) : undefined;
  bar?.update(0, args.epochs);
  runner.on('progress', ({ completed, total }) => bar?.update(completed, total));
  const printer = new ResultPrinter(io.stdout, args.json);
  runner.on('epoch', ({ result }) => {
    if (result === null) return;
    // Results on the same terminal would land after the bar's text: wipe it first.
    if (io.stdout.isTTY) bar?.clear();
    printer.print(result);
  });
  const interrupt = new AbortController();
  const onSigint = () => {
    if (interrupt.signal.aborted) process.exit(INTERRUPTED_EXIT_CODE);
    interrupt.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    const results = await traceTubeRun(
      { id: tube.id, runner: args.runner, epochs: args.epochs },
      () => runner.run(args.epochs, { signal: interrupt.signal }),
    );
    bar?.stop();
    // A runner that does not report epochs one by one: print what it gave at the end.
    for (const result of results.slice(printer.count)) printer.print(result);
    printer.finish();
    return 0;
  } catch (error) {
    if (!interrupt.signal.aborted) throw error;
    bar?.stop();
    printer.finish();
    io.stderr.write(
      `noob: interrupted; printed the ${printer.count} result${printer.count === 1 ? '' : 's'} of the epochs that finished\n`,
    );
    return INTERRUPTED_EXIT_CODE;
  } finally {
    bar?.stop();
    process.off('SIGINT', onSigint);
    await runner.deinit();
    await close();
  }
}

/** `noob validate`: prints `ok` or throws the load error listing every problem. */
export async function validateCommand(args: TubeArguments, io: CommandIO): Promise<number> {
  await loadTube(findTubeFile(args.tube, args.searchPaths), {
    inputText: args.inputText,
    searchPaths: args.searchPaths,
  });
  io.stdout.write('ok\n');
  return 0;
}

/** `noob schema`: the tube format as JSON Schema. */
export function schemaCommand(io: CommandIO): number {
  io.stdout.write(`${toJson(tubeJsonSchema(), 2)}\n`);
  return 0;
}
