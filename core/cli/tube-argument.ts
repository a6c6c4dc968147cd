import { existsSync } from 'node:fs';
import { TubeIndex } from '../tube/search.ts';
import { UsageError } from './usage.ts';

/**
 * What `noob run TUBE` and `noob validate TUBE` mean by TUBE: a tube file, or, as in the
 * job API, the `noob_id` of a tube in this folder, a `--search-path` folder or
 * NOOB_TUBE_PATH (each searched a few folders deep). Returns the file to load. Something
 * that looks like a path is left to the loader, whose message names the missing file.
 */
export function findTubeFile(argument: string, searchPaths: readonly string[]): string {
  if (existsSync(argument) || /[/\\]|\.ya?ml$/.test(argument)) return argument;
  const folders = [
    process.cwd(),
    ...searchPaths,
    ...(process.env.NOOB_TUBE_PATH ?? '').split(':').filter(Boolean),
  ];
  const found = new TubeIndex().find(argument, folders);
  if (found) return found;
  throw new UsageError(
    `"${argument}" is neither a tube file nor the noob_id of a tube in ${folders.join(', ')} (add folders with --search-path or NOOB_TUBE_PATH)`,
  );
}
