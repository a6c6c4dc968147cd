import { isAbsolute, resolve } from 'node:path';

/**
 * A node type as another process must see it: `./nodes.ts#resize` is relative to the
 * tube's folder, so it becomes an absolute path that a worker (in another process, or
 * another machine with the same checkout) can import. Other types pass unchanged.
 */
export function typeForWorkers(type: string, tubeDirectory: string): string {
  const hash = type.lastIndexOf('#');
  if (hash < 0 || !type.startsWith('.')) return type;
  const path = type.slice(0, hash);
  return `${isAbsolute(path) ? path : resolve(tubeDirectory, path)}${type.slice(hash)}`;
}
