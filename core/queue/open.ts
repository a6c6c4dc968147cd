import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { QueueDriver } from './backend.ts';
import type { QueueOptions } from './context.ts';
import { isBusy } from './drivers/busy.ts';
import { openEmbeddedDriver } from './drivers/embedded.ts';
import { openRemoteDriver } from './drivers/remote.ts';
import { UnsupportedQueueUrlError } from './errors.ts';
import { migrated } from './open-remote.ts';
import { Queue } from './queue.ts';

/** Where the embedded queue lives when no URL is given. */
export const DEFAULT_QUEUE_PATH = '.noob/noob.db';

const REMOTE = /^(libsql|https?|wss?):\/\//i;

/** Options of {@link openQueue}. */
export interface OpenQueueOptions extends QueueOptions {
  /** Auth token for a remote server (Turso). */
  authToken?: string;
  /**
   * Told when the embedded file's connection breaks because a flush to disk failed
   * (`DurabilityError`; every later call fails): stop, and let a restart reopen it.
   */
  onBroken?: (error: Error) => void;
}

/**
 * Open the database behind `url` with the driver it names: a plain path or `file:` URL is
 * an embedded libSQL file (its folder created), `libsql://`, `http(s)://` and `ws(s)://`
 * are a remote libSQL server. Migrations are applied before it is returned.
 */
export async function openDriver(
  url: string = DEFAULT_QUEUE_PATH,
  options: { authToken?: string; onBroken?: (error: Error) => void } = {},
): Promise<QueueDriver> {
  const { onBroken, ...remoteOptions } = options;
  if (REMOTE.test(url)) return migrated(await openRemoteDriver(url, remoteOptions));
  if (/^[a-z][a-z0-9+.-]+:/i.test(url) && !url.startsWith('file:')) {
    throw new UnsupportedQueueUrlError(url);
  }
  const path = resolve(url.startsWith('file:') ? filePath(url) : url);
  mkdirSync(dirname(path), { recursive: true });
  // Several processes opening a new file at once (a server starting its workers) can
  // find it locked while another switches it to WAL or migrates it, before any busy
  // timeout applies: try again, briefly, for that case only.
  for (let attempt = 1; ; attempt++) {
    try {
      return await migrated(openEmbeddedDriver(path, onBroken ? { onBroken } : {}));
    } catch (error) {
      if (!isBusy(error) || attempt >= 40) throw error;
      await new Promise((done) => setTimeout(done, 25 + Math.random() * 50));
    }
  }
}

// `file:///abs/path` and the relative `file:rel/path` both occur in libSQL URLs.
function filePath(url: string): string {
  return url.startsWith('file://') ? fileURLToPath(url) : url.slice('file:'.length);
}

/**
 * Open a queue at `url` (default `.noob/noob.db`).
 *
 * @example
 * const queue = await openQueue('libsql://my-db.turso.io', { authToken });
 */
export async function openQueue(
  url: string = DEFAULT_QUEUE_PATH,
  options: OpenQueueOptions = {},
): Promise<Queue> {
  const { authToken, onBroken, ...queueOptions } = options;
  const driverOptions = { ...(authToken ? { authToken } : {}), ...(onBroken ? { onBroken } : {}) };
  return new Queue(await openDriver(url, driverOptions), queueOptions);
}
