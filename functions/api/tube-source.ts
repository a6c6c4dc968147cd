import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { NodeRegistry } from '../../core/node/registry.ts';
import { TubeLoadError, type TubeProblem } from '../../core/tube/errors.ts';
import { loadTubeFromText } from '../../core/tube/load.ts';
import { TubeIndex } from '../../core/tube/search.ts';

/** Where submitted tubes are looked up and resolved. */
export interface TubeSourceOptions {
  /** Folders of registered tubes, found by `noob_id` (also what `extends` searches). */
  tubePaths?: readonly string[];
  /** Folder that `./module.ts#export` types of tube text resolve against (default: cwd). */
  directory?: string;
  /** Node types the tube may use (default: built-ins, standard library, user modules). */
  registry?: NodeRegistry;
}

/** A tube checked for submission: the YAML text the job stores, and its noob_id. */
export interface CheckedTube {
  text: string;
  id: string;
}

/** `tube` is one word without spaces or colons: a noob_id, not YAML text. */
const NOOB_ID = /^[A-Za-z0-9_.@/-]+$/;

/**
 * Resolve a submitted tube (YAML text, or the noob_id of a registered tube) and load it
 * with its inputs, exactly as the coordinator will, so a job that is accepted can start.
 * Throws {@link TubeLoadError} listing every problem (an unknown noob_id is one too).
 */
export async function checkTube(
  tube: string,
  inputs: Record<string, unknown>,
  options: TubeSourceOptions,
): Promise<CheckedTube> {
  const tubePaths = options.tubePaths ?? [];
  let text = tube;
  let file = '<tube>';
  let directory = options.directory ?? process.cwd();
  if (NOOB_ID.test(tube.trim())) {
    const id = tube.trim();
    // A fresh index per submission: a tube file added while the server runs is found.
    const found = new TubeIndex().find(id, tubePaths);
    if (!found) {
      throw new TubeLoadError(`no registered tube with noob_id "${id}"`, id, [
        {
          path: [],
          message: `no registered tube with noob_id "${id}"; send the tube's YAML text instead, or add the file to the server's tube folders`,
        },
      ]);
    }
    text = await readFile(found, 'utf8');
    file = id;
    directory = dirname(found);
  }
  const loaded = await loadTubeFromText(text, {
    file,
    directory,
    input: inputs,
    searchPaths: tubePaths,
    ...(options.registry ? { registry: options.registry } : {}),
  });
  return { text, id: loaded.id };
}

/** A tube problem as the API reports it: where (path, line, node) and what. */
export interface ProblemDetail {
  path: string;
  line?: number;
  /** The node the problem is about, when it is about one. */
  nodeId?: string;
  message: string;
}

/** The problems of a {@link TubeLoadError} for an error's `details`. */
export function problemDetails(problems: readonly TubeProblem[]): ProblemDetail[] {
  return problems.map((problem) => {
    const [section, name] = problem.path;
    const nodeId = section === 'nodes' && typeof name === 'string' ? name : undefined;
    return {
      path: problem.path.join('.'),
      ...(problem.line ? { line: problem.line } : {}),
      ...(nodeId ? { nodeId } : {}),
      message: problem.message,
    };
  });
}
