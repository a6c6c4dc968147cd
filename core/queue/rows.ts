import type { SqlValue } from './backend.ts';
import type { QueueEvent, TaskFailure, WorkerInfo } from './types.ts';

/** Reading rows back into the queue's types: JSON columns parsed, integers as numbers. */

/** Parse a JSON column (null stays null). */
export function parseJson(value: SqlValue | undefined): unknown {
  return value === null || value === undefined ? null : JSON.parse(String(value));
}

/** A column as a number (drivers may return bigint for large integers). */
export function num(value: SqlValue | undefined): number {
  return Number(value);
}

/** A column as a string or null. */
export function strOrNull(value: SqlValue | undefined): string | null {
  return value === null || value === undefined ? null : String(value);
}

/** A row of `events_after` as an event. */
export function toEvent(row: Record<string, SqlValue>): QueueEvent {
  const data = parseJson(row.data) as Record<string, unknown>;
  // json_object keeps null members; a stream reader only wants what is there.
  for (const key of Object.keys(data)) if (data[key] === null) delete data[key];
  return {
    id: num(row.id),
    jobId: String(row.job_id),
    type: String(row.type),
    taskId: row.task_id === null ? null : num(row.task_id),
    cid: strOrNull(row.cid),
    data,
    at: num(row.at),
  };
}

/** A row of `workers_list` as worker info. */
export function toWorker(row: Record<string, SqlValue>): WorkerInfo {
  return {
    id: String(row.id),
    tags: parseJson(row.tags) as string[],
    startedAt: num(row.started_at),
    lastSeenAt: num(row.last_seen_at),
    leased: num(row.leased),
  };
}

/** A stored error column as a failure. */
export function toFailure(value: SqlValue | undefined): TaskFailure {
  return parseJson(value) as TaskFailure;
}
