import { closeSync, openSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import Database from 'libsql';
import type {
  BatchMode,
  QueueDriver,
  SqlResult,
  SqlRow,
  SqlStatement,
  SqlTransaction,
} from '../backend.ts';
import { announceCommit, signalFilePath, watchCommits } from '../commits.ts';

/** What the signal file holds: one byte, rewritten after each commit. */
const COMMITTED = new Uint8Array([1]);

/**
 * The embedded driver: a libSQL file opened in this process with the `libsql` package.
 * Power-loss durability is the target, so the journal is WAL with `synchronous=FULL`
 * (each commit is fsynced before it is acknowledged); the queue keeps commits few by
 * batching. Several processes may open the same file: writes serialize on SQLite's lock,
 * and `busy_timeout` makes a writer wait instead of failing.
 */

/** Options of {@link openEmbeddedDriver}. */
export interface EmbeddedDriverOptions {
  /** How long a writer waits for the lock held by another connection (ms). */
  busyTimeoutMs?: number;
}

type Db = InstanceType<typeof Database>;
type Stmt = ReturnType<Db['prepare']>;

/** Open (creating if needed) the database file at `path`. */
export function openEmbeddedDriver(path: string, options: EmbeddedDriverOptions = {}): QueueDriver {
  const busyTimeoutMs = options.busyTimeoutMs ?? 30_000;
  const db = new Database(path, { timeout: busyTimeoutMs });
  try {
    // exec, not pragma(): pragma() leaves a statement behind that keeps the file open after
    // close() until it is garbage-collected, a leak when this open fails and is retried.
    db.exec(`PRAGMA busy_timeout = ${busyTimeoutMs}`);
    db.exec('PRAGMA journal_mode = WAL');
    db.exec('PRAGMA synchronous = FULL');
    db.exec('PRAGMA foreign_keys = ON');
    // From here on, waiting for another process's write lock is done by the driver (see
    // #retryBusy): SQLite's own busy handler sleeps a whole millisecond or more at a time.
    db.exec('PRAGMA busy_timeout = 0');
    return new EmbeddedDriver(db, resolve(path), busyTimeoutMs);
  } catch (error) {
    // A locked file while another process sets it up (the caller tries again): close
    // this connection rather than leak it.
    db.close();
    throw error;
  }
}

/** Blocks the thread for short pauses while another process holds the write lock. */
const PAUSE = new Int32Array(new SharedArrayBuffer(4));

function isBusy(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return code === 'SQLITE_BUSY' || /database is locked/i.test(String(message));
}

class EmbeddedDriver implements QueueDriver {
  readonly kind = 'embedded' as const;
  readonly #db: Db;
  // Prepared once per SQL text: the queue's statements are a small fixed set.
  readonly #prepared = new Map<string, Stmt>();
  // While an interactive transaction awaits between statements, other calls on this
  // connection would land inside it: they wait for it instead.
  #open: Promise<unknown> = Promise.resolve();

  readonly #relaxed: Stmt;
  readonly #durable: Stmt;

  readonly #path: string;
  readonly #signalFd: number;

  readonly #busyTimeoutMs: number;

  constructor(db: Db, path: string, busyTimeoutMs: number) {
    this.#db = db;
    this.#path = path;
    this.#busyTimeoutMs = busyTimeoutMs;
    this.#signalFd = openSync(signalFilePath(path), 'w');
    this.#relaxed = db.prepare('PRAGMA synchronous = NORMAL');
    this.#durable = db.prepare('PRAGMA synchronous = FULL');
  }

  #run(statement: SqlStatement): SqlResult {
    let stmt = this.#prepared.get(statement.sql);
    if (!stmt) {
      stmt = this.#db.prepare(statement.sql);
      this.#prepared.set(statement.sql, stmt);
    }
    if (stmt.reader) {
      const rows = stmt.all(statement.params) as SqlRow[];
      return { rows, changes: rows.length };
    }
    return { rows: [], changes: stmt.run(statement.params).changes };
  }

  async execute(statement: SqlStatement): Promise<SqlResult> {
    await this.#open;
    return this.#retryBusy(() => this.#run(statement));
  }

  /**
   * Run `attempt` (which takes the write lock, or fails at once with SQLITE_BUSY while
   * another process holds it, having changed nothing), pausing 50 µs, then twice as long
   * up to 2 ms, between tries, for up to the busy timeout. The other process's
   * transactions are short, so fine pauses hand the lock over far sooner than SQLite's
   * own busy handler, whose shortest sleep is a millisecond.
   */
  #retryBusy<T>(attempt: () => T): T {
    const deadline = Date.now() + this.#busyTimeoutMs;
    for (let pauseMs = 0.05; ; pauseMs = Math.min(pauseMs * 2, 2)) {
      try {
        return attempt();
      } catch (error) {
        if (!isBusy(error) || Date.now() >= deadline) throw error;
        Atomics.wait(PAUSE, 0, 0, pauseMs);
      }
    }
  }

  async batch(statements: SqlStatement[], mode: BatchMode = 'write'): Promise<SqlResult[]> {
    await this.#open;
    const body = this.#db.transaction(() => statements.map((s) => this.#run(s)));
    if (mode === 'read') return this.#retryBusy(() => body.deferred());
    // IMMEDIATE takes the write lock first: a deferred transaction that reads and then
    // writes can fail with SQLITE_BUSY when another process committed in between.
    const results = this.#retryBusy(() =>
      mode === 'write' ? body.immediate() : this.#withoutFsync(() => body.immediate()),
    );
    this.#announce();
    return results;
  }

  // In WAL mode, synchronous=NORMAL commits without an fsync; the WAL is appended in
  // order, so the next fsynced commit (any connection's) makes this one durable too.
  #withoutFsync<T>(commit: () => T): T {
    this.#relaxed.run([]);
    try {
      return commit();
    } finally {
      this.#durable.run([]);
    }
  }

  /** Tell listeners in this process, and touch the signal file for other processes. */
  #announce(): void {
    announceCommit(this.#path);
    try {
      writeSync(this.#signalFd, COMMITTED, 0, 1, 0);
    } catch {
      // Other processes then notice at their next look; nothing is lost.
    }
  }

  onCommit(listener: () => void): () => void {
    return watchCommits(this.#path, listener);
  }

  async transaction<T>(body: (tx: SqlTransaction) => Promise<T>): Promise<T> {
    const previous = this.#open;
    const tx: SqlTransaction = { execute: async (s) => this.#run(s) };
    const run = async (): Promise<T> => {
      // Taken in call order: #open is replaced before any await, so a second transaction
      // (or a batch) started meanwhile waits for this one.
      await previous;
      this.#retryBusy(() => this.#db.exec('BEGIN IMMEDIATE'));
      try {
        const value = await body(tx);
        this.#db.exec('COMMIT');
        this.#announce();
        return value;
      } catch (error) {
        if (this.#db.inTransaction) this.#db.exec('ROLLBACK');
        throw error;
      }
    };
    const done = run();
    this.#open = done.catch(() => undefined);
    return done;
  }

  async close(): Promise<void> {
    await this.#open;
    this.#db.close();
    closeSync(this.#signalFd);
  }
}
