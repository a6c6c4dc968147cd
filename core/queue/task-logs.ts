import type { SqlStatement } from './backend.ts';
import type { QueueContext } from './context.ts';
import { num } from './rows.ts';
import { sql } from './sql.ts';
import { requireId } from './validate.ts';

/**
 * What node calls print, kept with their job: a worker captures each call's output
 * (bounded, see functions/worker/output-capture.ts) and reports it with the call's result
 * or failure, in the same transaction; readers page through a job's entries by id.
 */

/** Which of a process's output streams a write went to. */
export type LogStream = 'stdout' | 'stderr';

/** One captured write of a node call. */
export interface LogChunk {
  stream: LogStream;
  text: string;
  /** When it was written (ms since the epoch). */
  at: number;
}

/** A write of a call made outside any task (a stateful node run by its job's coordinator). */
export interface NodeLogChunk extends LogChunk {
  node: string;
  epoch: string;
}

/** One kept log entry, as readers get it. */
export interface LogEntry {
  /** Grows monotonically: read on with `afterId` = the last id seen. */
  id: number;
  /** The task whose call printed it; null for a call made by the job's coordinator. */
  taskId: number | null;
  node: string;
  epoch: string;
  stream: LogStream;
  text: string;
  at: number;
}

/** Which entries {@link listLogs} reads. */
export interface LogsQuery {
  /** Only entries after this id; 0 (the default) for all. */
  afterId?: number;
  /** At most this many (default 200). */
  limit?: number;
}

/**
 * The statement keeping tasks' output, or undefined when there is none; it belongs in the
 * transaction that reports them, before the statement finishing them (it keeps the output
 * of tasks `workerId` still holds only).
 */
export function taskLogsStatement(
  workerId: string,
  tasks: readonly { taskId: number; logs?: readonly LogChunk[] | undefined }[],
): SqlStatement | undefined {
  const logs = tasks.flatMap(({ taskId, logs }) =>
    (logs ?? []).map(({ stream, text, at }) => ({ task: taskId, stream, text, at })),
  );
  if (logs.length === 0) return undefined;
  return sql('task_logs_insert', { worker_id: workerId, logs: JSON.stringify(logs) });
}

/** Keep what calls made outside any task printed, for a tenant's job (nothing for another's). */
export async function addJobLogs(
  ctx: QueueContext,
  tenant: string,
  jobId: string,
  chunks: readonly NodeLogChunk[],
): Promise<void> {
  requireId(jobId, 'jobId');
  if (chunks.length === 0) return;
  const logs = chunks.map(({ node, epoch, stream, text, at }) => ({
    node,
    epoch,
    stream,
    text,
    at,
  }));
  await ctx.driver.execute(
    sql('job_logs_insert', { tenant, job_id: jobId, logs: JSON.stringify(logs) }),
  );
}

/** A tenant's job's log entries after an id, oldest first (empty for an unknown job). */
export async function listLogs(
  ctx: QueueContext,
  tenant: string,
  jobId: string,
  query: LogsQuery = {},
): Promise<LogEntry[]> {
  const [page] = await ctx.driver.batch(
    [
      sql('task_logs_after', {
        tenant,
        job_id: jobId,
        after_id: query.afterId ?? 0,
        limit: query.limit ?? 200,
      }),
    ],
    'read',
  );
  return page!.rows.map((row) => ({
    id: num(row.id),
    taskId: row.task_id === null ? null : num(row.task_id),
    node: String(row.node_id),
    epoch: String(row.epoch),
    stream: String(row.stream) as LogStream,
    text: String(row.text),
    at: num(row.at),
  }));
}
