import type { Context } from 'hono';
import type { QueueDriver, SqlRow } from '../../core/queue/backend.ts';
import { priorityOf } from '../../core/queue/priority.ts';
import { num, parseJson } from '../../core/queue/rows.ts';
import { sql } from '../../core/queue/sql.ts';
import type { JobKind, JobOutcome, JobState, TaskFailure } from '../../core/queue/types.ts';
import type { AuthVariables } from './auth.ts';
import { fieldProblems, invalidRequest } from './errors.ts';
import { toJobStatus } from './job-view.ts';
import { singleQueryValues } from './query.ts';
import { type JobList, type JobSummary, jobListQuery } from './schemas.ts';

/**
 * `GET /v1/jobs`: a tenant's jobs, newest first, a page at a time. The cursor is opaque to
 * clients; inside it is the (created_at, id) of a page's last job, and the next page is
 * the jobs before it in that order (`core/queue/sql/jobs_list.sql`), so a walk through
 * the pages meets every job once even while new ones are submitted.
 */

/** Jobs per page when the request does not say. */
export const DEFAULT_JOB_PAGE = 50;

/** Where a page starts: after this job, in newest-first order. */
export interface JobCursor {
  createdAt: number;
  id: string;
}

/** Which page of a tenant's jobs to read. */
export interface JobPageRequest {
  state?: JobState | undefined;
  /** Default {@link DEFAULT_JOB_PAGE}. */
  limit?: number | undefined;
  after?: JobCursor | undefined;
}

/**
 * A cursor as the `next` string of a page: `CREATED_AT.ID` with the id in base64url. Any
 * text of that form is a place in the list (the jobs before it), so the pattern
 * /openapi.json gives for `after` is exactly what is accepted.
 */
export function encodeJobCursor(cursor: JobCursor): string {
  return `${cursor.createdAt}.${Buffer.from(cursor.id).toString('base64url')}`;
}

/** The cursor inside a `next` string, or undefined when it is not one. */
export function decodeJobCursor(text: string): JobCursor | undefined {
  const match = /^(\d{1,15})\.([A-Za-z0-9_-]*)$/.exec(text);
  if (!match) return undefined;
  return { createdAt: Number(match[1]), id: Buffer.from(match[2]!, 'base64url').toString('utf8') };
}

/** One page of a tenant's jobs, in one read. */
export async function listJobs(
  driver: QueueDriver,
  tenant: string,
  request: JobPageRequest = {},
): Promise<JobList> {
  const limit = request.limit ?? DEFAULT_JOB_PAGE;
  const [page] = await driver.batch(
    [
      sql('jobs_list', {
        tenant,
        state: request.state ?? null,
        before_at: request.after?.createdAt ?? Number.MAX_SAFE_INTEGER,
        before_id: request.after?.id ?? '',
        // One more than asked tells whether there is a next page.
        limit: limit + 1,
      }),
    ],
    'read',
  );
  const rows = page!.rows.slice(0, limit);
  const last = rows.at(-1);
  return {
    jobs: rows.map(toJobSummary),
    next:
      page!.rows.length > limit && last
        ? encodeJobCursor({ createdAt: num(last.created_at), id: String(last.id) })
        : null,
  };
}

/** The route: query checked (a bad or unknown parameter is a 400 naming it), then a page. */
export function jobListRoute(driver: QueueDriver) {
  return async (c: Context<{ Variables: AuthVariables }>): Promise<Response> => {
    const { query, problems } = singleQueryValues(c);
    // An empty cursor is no cursor (the first page), as its schema in /openapi.json allows.
    if (query.after === '') delete query.after;
    const parsed = jobListQuery.safeParse(query);
    if (!parsed.success) problems.push(...fieldProblems(parsed.error));
    const after = parsed.data?.after === undefined ? undefined : decodeJobCursor(parsed.data.after);
    if (parsed.data?.after !== undefined && !after) {
      problems.push({
        field: 'after',
        message: 'not a cursor: pass the next value of the previous page as it is',
      });
    }
    if (problems.length > 0 || !parsed.data) return invalidRequest(c, 'job list query', problems);
    const { state, limit } = parsed.data;
    return c.json(await listJobs(driver, c.get('tenant'), { state, limit, after }));
  };
}

// A row of jobs_list as the API shows it: the same status GET /v1/jobs/:id gives, from
// the same function, without the results.
function toJobSummary(row: SqlRow): JobSummary {
  const failure = parseJson(row.failure) as { cid: string; error: TaskFailure | null } | null;
  const { results: _, ...summary } = toJobStatus({
    id: String(row.id),
    kind: String(row.kind) as JobKind,
    // The fields of its payload that say what it is (see jobs_list.sql).
    payload: parseJson(row.payload),
    state: String(row.state) as JobState,
    priority: priorityOf(num(row.priority)),
    progress: {
      total: num(row.total),
      done: num(row.done),
      failed: num(row.failed),
      cancelled: num(row.cancelled),
    },
    epochsDone: num(row.epochs_done),
    // Without its results (see jobs_list.sql): enough to tell recorded from not, and the error.
    outcome: parseJson(row.outcome) as JobOutcome | null,
    failures: failure?.error ? { [failure.cid]: failure.error } : {},
    createdAt: num(row.created_at),
    finishedAt: row.finished_at === null ? null : num(row.finished_at),
  });
  return summary;
}
