import { type FSWatcher, watch } from 'node:fs';
import { basename, dirname } from 'node:path';

/**
 * Commit announcements for embedded database files, so waiting workers and coordinators
 * wake when the queue changes instead of polling it. Within a process, every connection to
 * a file announces its own commits to the others directly. Across processes, a writer
 * touches a signal file beside the database (`noob.db-notify`) after each commit, and a
 * watch on the folder (inotify on Linux) sees that: no extra service, no socket, nothing
 * to configure. Why not watch the write-ahead log itself: its frames are written before
 * the commit becomes visible to readers, so a reader woken by them can look too early,
 * see nothing, and sleep through the commit.
 *
 * An announcement only says "something changed": listeners look at the queue to learn
 * what, so a spurious or coalesced announcement is harmless.
 */

/** Stops a subscription. */
export type Unsubscribe = () => void;

class FileCommits {
  readonly #listeners = new Set<() => void>();
  readonly #signal: string;
  readonly #folder: string;
  #watcher: FSWatcher | undefined;

  constructor(path: string) {
    this.#folder = dirname(path);
    this.#signal = basename(signalFilePath(path));
  }

  get empty(): boolean {
    return this.#listeners.size === 0;
  }

  add(listener: () => void): void {
    this.#listeners.add(listener);
    if (!this.#watcher) this.#watch();
  }

  delete(listener: () => void): void {
    this.#listeners.delete(listener);
    if (this.#listeners.size === 0) {
      this.#watcher?.close();
      this.#watcher = undefined;
    }
  }

  announce(): void {
    for (const listener of this.#listeners) listener();
  }

  #watch(): void {
    try {
      const watcher = watch(this.#folder, { persistent: false }, (_event, file) => {
        // Some platforms omit the name: then any change in the folder counts.
        if (file === null || file === this.#signal) this.announce();
      });
      // A watch that fails later (the folder removed, watch limits) leaves listeners to
      // their fallback timers; in-process announcements keep working.
      watcher.on('error', () => {
        watcher.close();
        if (this.#watcher === watcher) this.#watcher = undefined;
      });
      this.#watcher = watcher;
    } catch {
      this.#watcher = undefined;
    }
  }
}

const files = new Map<string, FileCommits>();

/** The file a writer touches after each commit to the database at `path`. */
export function signalFilePath(path: string): string {
  return `${path}-notify`;
}

/** Tell this process's listeners on `path` that a write to it just committed. */
export function announceCommit(path: string): void {
  files.get(path)?.announce();
}

/**
 * Call `listener` after each commit to the database file at `path` (an absolute path),
 * made by this process or another one.
 */
export function watchCommits(path: string, listener: () => void): Unsubscribe {
  let file = files.get(path);
  if (!file) {
    file = new FileCommits(path);
    files.set(path, file);
  }
  file.add(listener);
  const subscribed = file;
  return () => {
    subscribed.delete(listener);
    if (subscribed.empty && files.get(path) === subscribed) files.delete(path);
  };
}
