import type { Context } from 'hono';
import type { Queue } from '../../core/queue/queue.ts';
import type { AuthVariables } from './auth.ts';
import { fieldProblems, invalidRequest } from './errors.ts';
import { singleQueryValues } from './query.ts';
import { type LogPage, logQuery } from './schemas.ts';

/** Log entries per page when the request does not say. */
export const DEFAULT_LOG_PAGE = 200;

/**
 * `GET /v1/jobs/:id/logs[?after=ID][&limit=N]`: what the job's node calls printed, oldest
 * first, a page at a time (see core/queue/task-logs.ts). `next` is the last entry's id
 * when the page is full (more may follow at once), null otherwise: a reader following a
 * running job asks again with `after` = the last id it has. Another tenant's job is not
 * found (404), as for every job route.
 */
export function jobLogsRoute(queue: Queue) {
  return async (c: Context<{ Variables: AuthVariables }>): Promise<Response> => {
    const { query, problems } = singleQueryValues(c);
    // An empty cursor is the start, as for the job list.
    if (query.after === '') delete query.after;
    const parsed = logQuery.safeParse(query);
    if (!parsed.success) problems.push(...fieldProblems(parsed.error));
    if (problems.length > 0 || !parsed.data) return invalidRequest(c, 'log query', problems);
    const tenant = c.get('tenant');
    const jobId = c.req.param('id')!;
    const limit = parsed.data.limit ?? DEFAULT_LOG_PAGE;
    const logs = await queue.logs(tenant, jobId, { afterId: parsed.data.after ?? 0, limit });
    // No entries: tell an unknown job (404) from a quiet one (one more read, only then).
    if (logs.length === 0) await queue.getJob(tenant, jobId, { taskResults: false });
    const page: LogPage = { logs, next: logs.length === limit ? logs.at(-1)!.id : null };
    return c.json(page);
  };
}
