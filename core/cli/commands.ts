import { loadTube } from '../tube/load.ts';
import { tubeJsonSchema } from '../tube/spec.ts';
import { ProgressBar, toJson } from './output.ts';
import { createRunner, RUNNER_NAMES, type RunnerChoice } from './runner-choice.ts';
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

/** `noob run`: processes N epochs and prints the non-null results. */
export async function runCommand(
  args: TubeArguments & RunnerChoice & { epochs: number; json: boolean },
  io: CommandIO,
): Promise<number> {
  if (!(RUNNER_NAMES as readonly string[]).includes(args.runner)) {
    throw new UsageError(`unknown runner "${args.runner}" (available: ${RUNNER_NAMES.join(', ')})`);
  }
  const tube = await loadTube(args.tube, {
    inputText: args.inputText,
    searchPaths: args.searchPaths,
  });
  const { runner, close } = await createRunner(tube, args);
  if (io.stderr.isTTY && args.epochs >= 100) {
    const bar = new ProgressBar(io.stderr);
    runner.on('progress', ({ completed, total }) => bar.update(completed, total));
  }
  try {
    const results = await runner.run(args.epochs);
    if (args.json) io.stdout.write(`${toJson(results)}\n`);
    else for (const result of results) io.stdout.write(`${toJson(result)}\n`);
  } finally {
    await runner.deinit();
    await close();
  }
  return 0;
}

/** `noob validate`: prints `ok` or throws the load error listing every problem. */
export async function validateCommand(args: TubeArguments, io: CommandIO): Promise<number> {
  await loadTube(args.tube, { inputText: args.inputText, searchPaths: args.searchPaths });
  io.stdout.write('ok\n');
  return 0;
}

/** `noob schema`: the tube format as JSON Schema. */
export function schemaCommand(io: CommandIO): number {
  io.stdout.write(`${toJson(tubeJsonSchema(), 2)}\n`);
  return 0;
}
