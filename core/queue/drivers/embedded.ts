import { closeSync, fdatasync, openSync, realpathSync, writeSync } from 'node:fs';
import Database from 'libsql';
import type {
  BatchMode,
  CommitCounts,
  QueueDriver,
  SqlResult,
  SqlRow,
  SqlStatement,
  SqlTransaction,
} from '../backend.ts';
import { announceCommit, signalFilePath, watchCommits } from '../commits.ts';
import { isBusy } from './busy.ts';
import type { CommitTally } from './commit-tally.ts';
import { type LogCheckpointOptions, LogCheckpoints, WalIndex } from './log-checkpoints.ts';
import { type Fdatasync, WalFlusher } from './wal-flusher.ts';

/** What the signal file holds: one byte, rewritten after each commit. */
const COMMITTED = new Uint8Array([1]);

/**
 * The embedded driver: a libSQL file opened in this process with the `libsql` package.
 * Power-loss durability is the target: the journal is WAL, and a write is acknowledged
 * only once the log holding its commit is flushed to disk. Several processes may open the
 * same file: writes serialize on SQLite's lock, and the driver waits for another
 * process's lock instead of failing.
 *
 * How the flush is done: SQLite's `synchronous=FULL` calls fdatasync on the log inside
 * COMMIT, which holds the write lock and blocks the event loop for the whole flush (about
 * 150 µs on this kind of disk). Instead, the connection runs with `synchronous=NORMAL`,
 * which in WAL mode is FULL minus exactly that call (the log is still synced before each
 * checkpoint, and the database file after it), and the driver makes the call itself on a
 * libuv thread after COMMIT returns: the same flush of the same file, so the same
 * guarantee, while the lock is free and the loop runs on. Commits made while a flush is
 * under way share the next one (group commit). The log is appended in order, so a flush
 * covers every commit before it, by any connection.
 *
 * What changes: a commit is visible before its flush ends. A `read` batch therefore
 * returns only once what it saw is flushed (see #durableView), so nothing shown to a
 * user can be undone by a power loss. Workers claim with relaxed reads and writes, so a
 * task can start once its submission commits, before that submission is acknowledged: a
 * power loss in between loses a submission its client never saw accepted, although its
 * task may have begun (at-least-once delivery allows that, as with a lost answer).
 *
 * Checkpoints (copying the log back into the database file, with two more syncs) run on
 * a thread of their own instead of inside the COMMIT that fills the log: see
 * {@link LogCheckpoints}.
 */

/** Options of {@link openEmbeddedDriver}. */
export interface EmbeddedDriverOptions {
  /** How long a writer waits for the lock held by another connection (ms). */
  busyTimeoutMs?: number;
  /**
   * Flushes a file descriptor's data to disk (default `fs.fdatasync`). Tests pass a
   * wrapper to watch or slow the flushes; anything else should keep the default.
   */
  fdatasync?: Fdatasync;
  /**
   * Told once, with the `DurabilityError`, when a failed flush breaks the connection (see
   * the driver's notes): a server should stop and be restarted, which reopens the file.
   */
  onBroken?: (error: Error) => void;
  /** When the log is copied back into the database file (see LogCheckpoints); tests only. */
  checkpoints?: LogCheckpointOptions;
  /**
   * This connection commits for another one in the process (a submission writer thread):
   * each COMMIT that changed rows is marked in `commitsFor` (see {@link CommitTally}).
   */
  commitsFor?: CommitTally;
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
    // Commits are flushed by the driver (see above), not inside COMMIT.
    db.exec('PRAGMA synchronous = NORMAL');
    db.exec('PRAGMA foreign_keys = ON');
    // Checkpoints run on a thread of their own (see LogCheckpoints), not inside COMMIT.
    db.exec('PRAGMA wal_autocheckpoint = 0');
    // From here on, waiting for another process's write lock is done by the driver (see
    // #whenFree), without blocking the thread as SQLite's own busy handler does.
    db.exec('PRAGMA busy_timeout = 0');
    // The file SQLite opened, links resolved: its log and index are beside it, and every
    // connection to it names it alike (commit announcements, see commits.ts).
    const absolute = realpathSync(path);
    const flusher = new WalFlusher(absolute, options.fdatasync ?? fdatasync, options.onBroken);
    const driver = new EmbeddedDriver(db, absolute, busyTimeoutMs, flusher, options.checkpoints);
    if (options.commitsFor) driver.markCommitsIn(options.commitsFor);
    return driver;
  } catch (error) {
    // A locked file while another process sets it up (the caller tries again): close
    // this connection rather than leak it.
    db.close();
    throw error;
  }
}

/**
 * The longest wait between tries for the write lock while another process holds it (ms).
 * Each try also follows every commit announced for the file, which is when the holder
 * lets go: this only bounds a missed announcement (a watch that failed, another
 * process's transaction that ended without committing).
 */
const LOCK_RETRY_MS = 1;

/**
 * First pauses for the write lock (ms), blocking but short: many of the other process's
 * transactions (a claim, a small group of submissions) end within them, sooner than a
 * timer or a file watch could wake this one (without them, about 5% fewer tasks a second
 * with the worker in its own process). Only a longer wait goes on without blocking.
 */
const SHORT_LOCK_PAUSES_MS = [0.05, 0.1, 0.2];

/** Statements that write rows or the schema (see EmbeddedDriver.#runAlone). */
const WRITE_STATEMENT = /^\s*(insert|update|delete|replace|create|drop|alter)\b/i;

/** Blocks the thread for the short pauses. */
const PAUSE = new Int32Array(new SharedArrayBuffer(4));

class EmbeddedDriver implements QueueDriver {
  readonly kind = 'embedded' as const;
  readonly #db: Db;
  // Prepared once per SQL text: the queue's statements are a small fixed set.
  readonly #prepared = new Map<string, Stmt>();
  // While an interactive transaction awaits between statements, other calls on this
  // connection would land inside it: they wait for it instead.
  #open: Promise<unknown> = Promise.resolve();
  // Calls waiting for another process's write lock (close() lets them finish).
  readonly #waitingForLock = new Set<Promise<unknown>>();

  readonly #path: string;
  readonly #signalFd: number;
  readonly #flusher: WalFlusher;
  readonly #checkpoints: LogCheckpoints;
  // `data_version` when this connection's latest flush was asked for (see #durableView);
  // undefined after a commit of its own that asked for none.
  #flushedVersion: number | undefined;
  #closing = false;
  #version: Stmt | undefined;
  // This connection's commits (see commitCounts).
  #ownCommits = 0;
  // Commits another connection makes for this one (see countCommitsOf), and those this
  // one makes for another (see markCommitsIn).
  #adopted: CommitTally | undefined;
  #marked: CommitTally | undefined;
  // The file's WAL index, read for its count of commits when either is set.
  #index: WalIndex | undefined;

  readonly #busyTimeoutMs: number;

  constructor(
    db: Db,
    path: string,
    busyTimeoutMs: number,
    flusher: WalFlusher,
    checkpointOptions: LogCheckpointOptions | undefined,
  ) {
    this.#db = db;
    this.#path = path;
    this.#busyTimeoutMs = busyTimeoutMs;
    this.#flusher = flusher;
    this.#signalFd = openSync(signalFilePath(path), 'w');
    // Last: from here on this connection counts as a user of the file's WAL index, until
    // close() (nothing after this can fail the open).
    this.#checkpoints = new LogCheckpoints(
      path,
      // RESTART, not PASSIVE: other processes' writers wait meanwhile, so the log ends up
      // wholly copied and starts over (see LogCheckpoints).
      () => db.exec('PRAGMA wal_checkpoint(RESTART)'),
      checkpointOptions,
    );
  }

  #statement(sql: string): Stmt {
    let stmt = this.#prepared.get(sql);
    if (!stmt) {
      stmt = this.#db.prepare(sql);
      this.#prepared.set(sql, stmt);
    }
    return stmt;
  }

  #run(statement: SqlStatement): SqlResult {
    const stmt = this.#statement(statement.sql);
    if (stmt.reader) {
      const rows = stmt.all(statement.params) as SqlRow[];
      return { rows, changes: rows.length };
    }
    return { rows: [], changes: stmt.run(statement.params).changes };
  }

  async execute(statement: SqlStatement): Promise<SqlResult> {
    await this.#open;
    this.#usable();
    if (/^\s*(select|with)\b/i.test(statement.sql)) {
      const result = await this.#whenFree(() => this.#run(statement));
      await this.#durableView(await this.#whenFree(() => this.#dataVersion()));
      return result;
    }
    // Anything but a query commits on its own: flushed and announced like a batch, at once.
    // A write runs in a transaction that takes the write lock first (see #runAlone).
    const commit = () => {
      const result = this.#runAlone(statement);
      return { result, flushed: this.#committed('write') };
    };
    const now = this.#whenFree(commit);
    const { result, flushed } = now instanceof Promise ? await now : now;
    await flushed;
    return result;
  }

  /** Counts commits by other connections (SQLite's `data_version`). */
  #dataVersion(): number {
    this.#version ??= this.#db.prepare('PRAGMA data_version');
    return Number((this.#version.get([]) as { data_version: number }).data_version);
  }

  /**
   * After a read: return only once what it saw is on disk, so nothing shown to a user
   * can be undone by a power loss. This connection's commits are covered by their
   * flush. Another connection's commit can be visible before its writer's flush ends:
   * when one happened (`version` moved) since this connection's last flush began,
   * flush once more (cheap when the writer already has).
   */
  async #durableView(version: number): Promise<void> {
    if (version === this.#flushedVersion) {
      await this.#flusher.last;
      return;
    }
    // Also reached after a commit of this connection's own that asked for no flush (a
    // relaxed write): it cleared #flushedVersion.
    this.#flushedVersion = version;
    try {
      await this.#flusher.flush();
    } catch (error) {
      if (this.#flushedVersion === version) this.#flushedVersion = undefined;
      throw error;
    }
  }

  /**
   * `attempt()` (which takes the write lock, or fails at once with SQLITE_BUSY while
   * another process holds it, having changed nothing), now; while it is busy, again after
   * each of the {@link SHORT_LOCK_PAUSES_MS}, then each time another commit is announced
   * (the lock holder's, through the signal file: see commits.ts) and at least every
   * {@link LOCK_RETRY_MS}, for up to the busy timeout. Past the short pauses the wait does
   * not block: the event loop goes on (a job API answers reads meanwhile). Writes of this
   * connection stay in call order where order matters: a group commit and a worker each
   * wait for their previous write, and interactive transactions queue. Returns the value
   * itself when the first tries succeed (see batch: nothing runs between a commit and
   * what follows it).
   */
  #whenFree<T>(attempt: () => T): T | Promise<T> {
    let busy: unknown;
    for (const pauseMs of [0, ...SHORT_LOCK_PAUSES_MS]) {
      if (pauseMs > 0) Atomics.wait(PAUSE, 0, 0, pauseMs);
      try {
        return attempt();
      } catch (error) {
        if (!isBusy(error)) throw error;
        busy = error;
      }
    }
    return this.#retryWhenFree(attempt, busy);
  }

  async #retryWhenFree<T>(attempt: () => T, busy: unknown): Promise<T> {
    const deadline = Date.now() + this.#busyTimeoutMs;
    // One subscription for the whole wait: an announcement between two tries counts.
    let announced = false;
    let wake: (() => void) | undefined;
    const stop = watchCommits(this.#path, () => {
      announced = true;
      wake?.();
    });
    const nextCommitOrPause = () =>
      new Promise<void>((resolve) => {
        if (announced) return resolve();
        const timer = setTimeout(done, LOCK_RETRY_MS);
        function done() {
          clearTimeout(timer);
          resolve();
        }
        wake = done;
      });
    const waiting = (async () => {
      let last = busy;
      while (Date.now() < deadline) {
        await nextCommitOrPause();
        announced = false;
        // A flush that failed meanwhile broke the connection: nothing more is written.
        if (this.#flusher.broken) throw this.#flusher.broken;
        // An interactive transaction of this connection began meanwhile and awaits between
        // its statements: not inside it; its COMMIT is announced.
        if (this.#db.inTransaction) continue;
        try {
          return attempt();
        } catch (error) {
          if (!isBusy(error)) throw error;
          last = error;
        }
      }
      throw last;
    })();
    this.#waitingForLock.add(waiting);
    try {
      return await waiting;
    } finally {
      stop();
      this.#waitingForLock.delete(waiting);
    }
  }

  async batch(
    statements: SqlStatement[],
    mode: BatchMode = 'write',
    onCommitted?: (results: SqlResult[]) => void,
  ): Promise<SqlResult[]> {
    await this.#open;
    this.#usable();
    if (mode === 'read' || mode === 'read-relaxed') {
      // Several statements read one snapshot; one needs no transaction around it (a
      // BEGIN and COMMIT more on every request's key check). Either way the version is
      // read after the statements, so it covers at least what they saw.
      const read = () => ({
        results: statements.map((s) => this.#run(s)),
        version: mode === 'read' ? this.#dataVersion() : 0,
      });
      const { results, version } = await this.#whenFree(
        statements.length === 1 ? read : () => this.#inTransaction('BEGIN DEFERRED', read),
      );
      if (mode === 'read') await this.#durableView(version);
      onCommitted?.(results);
      return results;
    }
    // IMMEDIATE takes the write lock first: a deferred transaction that reads and then
    // writes can fail with SQLITE_BUSY when another process committed in between.
    const commit = () => {
      const results = this.#inTransaction('BEGIN IMMEDIATE', () =>
        statements.map((s) => this.#run(s)),
      );
      const flushed = this.#committed(mode);
      onCommitted?.(results);
      return { results, flushed };
    };
    // Not awaited when it ran at once: nothing else runs between the commit and what
    // follows it here (its count is what a hand-off checks, see Queue.submitJob).
    const now = this.#whenFree(commit);
    const { results, flushed } = now instanceof Promise ? await now : now;
    await flushed;
    return results;
  }

  /**
   * A statement of `execute()` that is not a query. A write (WRITE_STATEMENT) runs in a
   * transaction taking the write lock first: run bare, a statement that met another
   * process's lock midway stayed open when its waits ran out (the libsql package neither
   * resets nor finalizes a statement that failed), holding a read of a snapshot that the
   * other process's next commit made stale, so every later write of the connection failed
   * with "database is locked" for good. In a transaction nothing can stop it midway, and a
   * failure is rolled back, which ends any read. Anything else (a PRAGMA, which may not
   * run in a transaction) runs bare.
   */
  #runAlone(statement: SqlStatement): SqlResult {
    if (!WRITE_STATEMENT.test(statement.sql) || this.#db.inTransaction) return this.#run(statement);
    return this.#inTransaction('BEGIN IMMEDIATE', () => this.#run(statement));
  }

  /**
   * Run `body` between `begin` and COMMIT, rolled back if it throws. The statements are
   * prepared once (libsql's own transaction() builds four wrapper functions per call).
   */
  #inTransaction<T>(begin: 'BEGIN IMMEDIATE' | 'BEGIN DEFERRED', body: () => T): T {
    this.#statement(begin).run([]);
    try {
      const run = () => {
        const result = body();
        this.#statement('COMMIT').run([]);
        return result;
      };
      // A write for another connection: its commits are counted for it (see CommitTally).
      const marked = begin === 'BEGIN IMMEDIATE' ? this.#marked : undefined;
      if (!marked) return run();
      return marked.around(() => this.#index?.commits(), run);
    } catch (error) {
      if (this.#db.inTransaction) this.#statement('ROLLBACK').run([]);
      throw error;
    }
  }

  /** Rejects when the connection is closing, or broken by a failed flush (see WalFlusher). */
  #usable(): void {
    if (this.#flusher.broken) throw this.#flusher.broken;
    if (this.#closing) throw new Error(`the connection to ${this.#path} is closed`);
  }

  /**
   * Right after a commit, whatever throws later: its flush asked for (a durable write; the
   * promise returned, handled here too in case announcing throws first), or the next read
   * left to flush it (a relaxed one); then the commit announced.
   */
  #committed(mode: 'write' | 'write-relaxed'): Promise<void> | undefined {
    let flushed: Promise<void> | undefined;
    if (mode === 'write') {
      flushed = this.#flusher.flush();
      flushed.catch(() => undefined);
    } else this.#flushedVersion = undefined;
    this.#announce();
    return flushed;
  }

  /**
   * After a commit: count it (see commitCounts), copy the log back if it is due, tell
   * listeners in this process, and touch the signal file for other processes.
   */
  #announce(): void {
    this.#ownCommits++;
    this.#checkpoints.committed();
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

  commitCounts(): CommitCounts | undefined {
    this.#usable();
    if (!this.#adopted) return { own: this.#ownCommits, others: this.#dataVersion() };
    // `others` then counts this connection's own commits too: a change either way.
    const read = this.#adopted.read(() => this.#index?.commits());
    return read && { own: this.#ownCommits + read.writer, others: read.others };
  }

  countCommitsOf(tally: CommitTally): void {
    this.#index ??= WalIndex.acquire(this.#path);
    this.#adopted = tally;
  }

  /** Count this connection's write commits in `tally` (see EmbeddedDriverOptions.commitsFor). */
  markCommitsIn(tally: CommitTally): void {
    this.#index ??= WalIndex.acquire(this.#path);
    this.#marked = tally;
  }

  async transaction<T>(body: (tx: SqlTransaction) => Promise<T>): Promise<T> {
    const previous = this.#open;
    const tx: SqlTransaction = { execute: async (s) => this.#run(s) };
    const run = async (): Promise<T> => {
      // Taken in call order: #open is replaced before any await, so a second transaction
      // (or a batch) started meanwhile waits for this one.
      await previous;
      this.#usable();
      await this.#whenFree(() => this.#db.exec('BEGIN IMMEDIATE'));
      try {
        const value = await body(tx);
        this.#db.exec('COMMIT');
        await this.#committed('write');
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
    // No call from here on starts anything: a commit now could outlive the log's descriptor.
    this.#closing = true;
    await this.#open;
    // Writes waiting for another process's lock go on until they commit or time out.
    await Promise.allSettled(this.#waitingForLock);
    await this.#flusher.close();
    await this.#checkpoints.close(() => this.#db.close());
    // After the connection closed, as LogCheckpoints lets its own use go (see WalIndex).
    this.#index?.release();
    closeSync(this.#signalFd);
  }
}
