/**
 * What a {@link SubmissionWriter} and its thread (submission-writer-thread.ts) say to each
 * other. Submissions go as the statements the API thread built (ids minted there), many
 * to a message; answers come back the same way, each only once its commit is durable.
 */
import type { SqlParams, SqlValue } from './backend.ts';

/** What the thread is started with (`workerData`). */
export interface WriterSetup {
  /** The database file (already migrated by the API's own connection). */
  path: string;
  /** The {@link CommitTally}'s shared memory: the thread marks its commits there. */
  tally: SharedArrayBuffer;
  busyTimeoutMs?: number;
}

/**
 * One submission, as its thread commits it (see CommittableSubmission): its number on the
 * API side (the answer names it), then its fields, its statements as [SQL number, params].
 */
export type WriterItem = [
  n: number,
  jobId: string,
  payloadHash: string,
  idempotencyKey: string | null,
  taskCount: number,
  statements: Array<[sql: number, params: SqlParams | SqlValue[]]>,
];

/** An error as it crosses to the other thread: name, message and own fields kept. */
export interface PostedError {
  name: string;
  message: string;
  fields: Record<string, unknown>;
}

/**
 * What the API thread sends. A submission's SQL texts are a few fixed ones: each is sent
 * once (`sql`, numbered in the order sent, from 0) and named by its number afterwards.
 * The items travel as they are (structured clone). They used to travel as one JSON
 * string, but a job's payload is itself JSON text, escaped again on the way and parsed on
 * arrival: measured with six API submissions a message, the clone costs the sending
 * thread 1.4 µs an item instead of 3.8, and the receiving one 2.2 instead of 3.2.
 */
export type WriterRequest =
  | { type: 'submit'; sql: string[]; items: WriterItem[] }
  | { type: 'close' };

/** One submission's outcome: its job (new or found by key), or why it was not stored. */
export type WriterAnswer =
  | { n: number; jobId: string; created: boolean }
  | { n: number; error: PostedError };

/** What the thread sends. */
export type WriterReport =
  | { type: 'ready' }
  | { type: 'answers'; answers: WriterAnswer[] }
  /** The connection broke (a failed flush): nothing more is written; see onBroken. */
  | { type: 'broken'; error: PostedError }
  /** The database could not be opened: the thread ends. */
  | { type: 'failed'; error: PostedError };

/**
 * `error` as data that survives `postMessage` (structured clone keeps neither a class,
 * nor a custom name, nor own fields such as `jobId` or SQLite's `code`).
 */
export function postError(error: unknown): PostedError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error), fields: {} };
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(error)) {
    if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) {
      fields[key] = value;
    }
  }
  return { name: error.name, message: error.message, fields };
}

/** The error again on this side: matched by `name` as every error of the project is. */
export function receivedError(posted: PostedError): Error {
  const error = new Error(posted.message);
  Object.assign(error, posted.fields);
  error.name = posted.name;
  return error;
}
