import { NoobError } from '../errors.ts';

/** One thing wrong with a tube: where (path in the file, line) and what. */
export interface TubeProblem {
  /** Path of the offending value in the tube, e.g. `['nodes', 'b', 'depends', 0]`. */
  path: readonly (string | number)[];
  /** What is wrong, naming the node/input/asset id. */
  message: string;
  /** 1-based line in the file, when known. */
  line?: number | undefined;
}

/**
 * A tube that cannot be loaded: malformed YAML, a schema violation, an unknown node type
 * or signal, a cycle, … `problems` lists every problem found, not just the first.
 */
export class TubeLoadError extends NoobError {
  override name = 'TubeLoadError' as const;
  /** The tube file (or the name given to tube text). */
  readonly file: string;
  /** Every problem found. */
  readonly problems: readonly TubeProblem[];

  constructor(shortMessage: string, file: string, problems: readonly TubeProblem[]) {
    super(shortMessage, {
      details: problems.map((p) => `  - ${formatProblem(file, p)}`).join('\n'),
    });
    this.file = file;
    this.problems = problems;
  }
}

/** `file:line: message` (or without the line when unknown). */
export function formatProblem(file: string, problem: TubeProblem): string {
  if (problem.message.startsWith(`${file}:`)) return problem.message;
  return `${file}${problem.line ? `:${problem.line}` : ''}: ${problem.message}`;
}

/** A required input is missing or has the wrong type. */
export class InputError extends NoobError {
  override name = 'InputError' as const;
}
