import { closeSync, openSync } from 'node:fs';

/** Flushes a file descriptor's data to disk, as `fs.fdatasync`. */
export type Fdatasync = (
  fd: number,
  callback: (error: NodeJS.ErrnoException | null) => void,
) => void;

/**
 * The flushes of one connection's write-ahead log (`<db>-wal`), made on a libuv thread
 * after COMMIT instead of inside it (see the embedded driver's notes). A commit asks for
 * a flush and is durable once that flush ends; commits made while a flush runs share the
 * next one. The log is appended in order, so a flush covers every commit before it, by
 * any connection.
 *
 * A failed flush breaks the flusher for good (see {@link WalFlusher.broken}).
 */
export class WalFlusher {
  readonly #path: string;
  readonly #fdatasync: Fdatasync;
  readonly #onBroken: ((error: Error) => void) | undefined;
  // The log, opened on first flush (SQLite creates it on first use).
  #fd: number | undefined;
  // The flush that commits made from now on join; it starts once the one before it ends.
  #next: Promise<void> | undefined;
  // The latest flush asked for: the next one starts after it.
  #last: Promise<void> = Promise.resolve();
  #broken: Error | undefined;

  /** `path` is the database file's; `onBroken` is told once when a flush fails. */
  constructor(path: string, fdatasync: Fdatasync, onBroken?: (error: Error) => void) {
    this.#path = path;
    this.#fdatasync = fdatasync;
    this.#onBroken = onBroken;
  }

  /** The `DurabilityError` of a failed flush, once one failed. */
  get broken(): Error | undefined {
    return this.#broken;
  }

  /** The latest flush asked for (whether it succeeds or not). */
  get last(): Promise<void> {
    return this.#last;
  }

  /**
   * Ask for a flush after a commit: resolves once a flush that began after this call has
   * finished.
   */
  flush(): Promise<void> {
    if (this.#broken) return Promise.reject(this.#broken);
    if (this.#next) return this.#next;
    const flush = this.#last
      .catch(() => undefined)
      .then(() => {
        // Started: a commit from here on needs the flush after this one.
        this.#next = undefined;
        if (this.#broken) throw this.#broken;
        return new Promise<void>((resolve, reject) => {
          const fd = this.#log();
          // No log yet: nothing was written through it, so nothing waits for a flush.
          if (fd === undefined) resolve();
          else this.#fdatasync(fd, (error) => (error ? reject(this.#break(error)) : resolve()));
        });
      });
    this.#next = flush;
    this.#last = flush;
    return flush;
  }

  /** Close the log's descriptor, once no flush is left to run. */
  async close(): Promise<void> {
    await this.#last.catch(() => undefined);
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }

  /**
   * A flush failed. What it should have made durable may already be gone from the page
   * cache, and a later flush can report success all the same (Linux drops pages whose
   * write failed), so no later acknowledgement could be trusted: the connection must
   * refuse all further work. Reopening the file recovers it to its last durable state.
   */
  #break(error: NodeJS.ErrnoException): Error {
    if (this.#broken) return this.#broken;
    const broken = Object.assign(
      new Error(
        `flushing ${this.#path}-wal to disk failed (${error.code ?? error.message}): ` +
          'recent commits may not be durable, and this connection accepts no more work; reopen the database',
        { cause: error },
      ),
      { name: 'DurabilityError', code: error.code },
    );
    this.#broken = broken;
    if (this.#onBroken) queueMicrotask(() => this.#onBroken!(broken));
    return broken;
  }

  #log(): number | undefined {
    if (this.#fd === undefined) {
      try {
        // Read-only is enough: fdatasync flushes a file's data whatever the descriptor's mode.
        this.#fd = openSync(`${this.#path}-wal`, 'r');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    return this.#fd;
  }
}
