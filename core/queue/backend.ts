/**
 * The contract between the queue and a SQL database: what both drivers (embedded
 * `libsql`, remote `@libsql/client`) implement and the shared queue suite checks.
 * Statements carry named parameters (`:job_id` in SQL, `{ job_id }` here). The queue
 * does almost everything through `batch`, so each operation is one transaction and, on a
 * remote database, one round trip.
 */

import type { CommitTally } from './drivers/commit-tally.ts';

/** A value a statement can bind (booleans are written as 0/1 by the caller). */
export type SqlValue = string | number | bigint | null | Uint8Array;

/** Named parameters, keyed without the leading colon. */
export type SqlParams = Record<string, SqlValue>;

/** A row by column name. */
export type SqlRow = Record<string, SqlValue>;

/** One statement with its parameters: named, or positional (`?1`, `?2`, … in order). */
export interface SqlStatement {
  sql: string;
  params: SqlParams | SqlValue[];
}

/** The outcome of one statement: its rows (for SELECT and RETURNING) and rows changed. */
export interface SqlResult {
  rows: SqlRow[];
  changes: number;
}

/**
 * `write` takes the write lock up front (BEGIN IMMEDIATE) and is durable once it
 * returns. `write-relaxed` is the same, except that a power loss may undo it unless a
 * later durable commit followed (for a claim: losing it leaves the tasks queued, as an
 * expired lease would). `read` only reads, and returns only what is durable (what a user
 * is shown must survive a power loss). `read-relaxed` may also see commits not yet
 * flushed: for a look that only decides whether to write (any durable write after it
 * covers what it saw).
 */
export type BatchMode = 'write' | 'write-relaxed' | 'read' | 'read-relaxed';

/** What an interactive transaction can do between statements. */
export interface SqlTransaction {
  /** Run one statement inside the transaction. */
  execute(statement: SqlStatement): Promise<SqlResult>;
}

/** See {@link QueueDriver.commitCounts}. */
export interface CommitCounts {
  readonly own: number;
  readonly others: number;
}

/** A connection to the queue's database. */
export interface QueueDriver {
  /** `embedded` or `remote`, for messages and driver-specific checks. */
  readonly kind: 'embedded' | 'remote';
  /** Run one statement in its own transaction. */
  execute(statement: SqlStatement): Promise<SqlResult>;
  /**
   * Run statements atomically, in order, in one transaction (one round trip remotely).
   * `onCommitted` gets the results as soon as the transaction commits, which for a
   * durable write can be before it is durable (the promise resolves then): for acting at
   * once on what needs no durability, such as tasks a claim took. It must not throw.
   */
  batch(
    statements: SqlStatement[],
    mode?: BatchMode,
    onCommitted?: (results: SqlResult[]) => void,
  ): Promise<SqlResult[]>;
  /**
   * Run `body` in a write transaction, committed if it resolves and rolled back if it
   * throws. Interactive, so a round trip per statement remotely: for migrations, not
   * the hot path.
   */
  transaction<T>(body: (tx: SqlTransaction) => Promise<T>): Promise<T>;
  /**
   * Call `listener` after each write committed to the database, by this connection or
   * any other (a hint to look again, possibly coalesced); returns the unsubscribe
   * function. Absent when the driver cannot tell (a remote server): callers poll.
   */
  onCommit?(listener: () => void): () => void;
  /**
   * Counts of commits, read at once: `own`, this connection's writes, counted as each
   * commits (before `onCommitted` is called); `others`, a number that changes whenever
   * another connection commits to the database (SQLite's `data_version`). Together they
   * tell exactly whether the database changed since a look. Absent when the driver
   * cannot tell; undefined when it cannot tell now (see {@link countCommitsOf}).
   */
  commitCounts?(): CommitCounts | undefined;
  /**
   * Count the commits another thread's connection to the same file makes for this one (a
   * submission writer, see `drivers/commit-tally.ts`) as this connection's own in
   * {@link commitCounts}, not as another connection's.
   */
  countCommitsOf?(tally: CommitTally): void;
  /** Close the connection; the driver is unusable afterwards. */
  close(): Promise<void>;
}
