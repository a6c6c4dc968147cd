import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { KeyStore } from '../api/keys.ts';

/** The tenant `noob serve` prints a key for. */
export const LOCAL_TENANT = 'local';

/**
 * Where `noob serve` keeps the key it printed for tenant `local`: beside an embedded
 * database (`noob.db.local-key`), or under `.noob/` named after a remote database's URL.
 * The database stores only a key's hash, so the key itself must be kept somewhere to be
 * printed again; the file is readable by its owner only.
 */
export function localKeyFile(db: string, embeddedPath: string | undefined): string {
  if (embeddedPath) return `${embeddedPath}.local-key`;
  const name = createHash('sha256').update(db).digest('hex').slice(0, 16);
  return resolve('.noob', `local-key-${name}`);
}

/**
 * The API key for tenant `local`: the one stored in `file` if the database still accepts
 * it (not revoked, not expired, same database), else a new one, stored there. So every
 * start prints the same key instead of minting another that never expires.
 */
export async function localKey(
  keys: KeyStore,
  file: string,
): Promise<{ key: string; created: boolean }> {
  if (existsSync(file)) {
    const stored = readFileSync(file, 'utf8').trim();
    if ((await keys.verify(stored)) === LOCAL_TENANT) return { key: stored, created: false };
  }
  const { key } = await keys.create(LOCAL_TENANT);
  mkdirSync(dirname(file), { recursive: true });
  // Written whole, flushed, then renamed, and the rename flushed: a crash or a power loss
  // leaves the old file or the new one, never an empty or half-written one.
  const partial = join(dirname(file), `.${process.pid}.local-key.tmp`);
  writeDurably(partial, `${key}\n`);
  renameSync(partial, file);
  syncFolder(dirname(file));
  return { key, created: true };
}

/** Writes `text` to a new private file and flushes it to the disk before returning. */
function writeDurably(path: string, text: string): void {
  const fd = openSync(path, 'w', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Flushes a folder's entries (a rename into it), so the new name survives a power loss. */
function syncFolder(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
