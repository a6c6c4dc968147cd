import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * Finds tube files by `noob_id` (for `extends` and nested `tube` nodes). Looks in the
 * referring tube's folder first, then in the configured search paths, each searched a few
 * folders deep. Only the `noob_id:` line of each file is read.
 */
export class TubeIndex {
  readonly #byDirectory = new Map<string, Map<string, string>>();

  /** The file whose `noob_id` is `id`, or `undefined`. */
  find(id: string, directories: readonly string[]): string | undefined {
    for (const directory of directories) {
      const found = this.#index(resolve(directory)).get(id);
      if (found) return found;
    }
    return undefined;
  }

  #index(directory: string): Map<string, string> {
    let index = this.#byDirectory.get(directory);
    if (!index) {
      index = new Map();
      scan(directory, index, 3);
      this.#byDirectory.set(directory, index);
    }
    return index;
  }
}

function scan(directory: string, index: Map<string, string>, depth: number): void {
  let entries: string[];
  try {
    entries = readdirSync(directory);
  } catch {
    return;
  }
  const subdirectories: string[] = [];
  for (const entry of entries.sort()) {
    if (entry.startsWith('.') || entry === 'node_modules') continue;
    const path = join(directory, entry);
    if (/\.ya?ml$/.test(entry)) {
      const id = peekNoobId(path);
      if (id && !index.has(id)) index.set(id, path);
    } else if (depth > 0) {
      try {
        if (statSync(path).isDirectory()) subdirectories.push(path);
      } catch {}
    }
  }
  for (const subdirectory of subdirectories) scan(subdirectory, index, depth - 1);
}

/** Reads the top-level `noob_id:` of a YAML file without parsing the whole file. */
export function peekNoobId(path: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  return noobIdOf(text);
}

/** The top-level `noob_id:` of tube YAML text, read from its line alone. */
export function noobIdOf(text: string): string | undefined {
  const match = /^noob_id:\s*['"]?([^'"\s#]+)['"]?\s*(#.*)?$/m.exec(text);
  return match?.[1];
}
