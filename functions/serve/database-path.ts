import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The file behind a queue URL as `openQueue` reads it: a plain path or a `file:` URL is an
 * embedded libSQL file (returned absolute); a server URL (`libsql://`, `http(s)://`,
 * `ws(s)://`) has no file here (undefined).
 */
export function embeddedPath(db: string): string | undefined {
  if (/^(libsql|https?|wss?):\/\//i.test(db)) return undefined;
  if (db.startsWith('file://')) return fileURLToPath(db);
  return resolve(db.startsWith('file:') ? db.slice('file:'.length) : db);
}
