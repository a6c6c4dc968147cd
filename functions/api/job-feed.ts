import type { Context } from 'hono';
import type { Queue } from '../../core/queue/queue.ts';
import { num } from '../../core/queue/rows.ts';
import { sql } from '../../core/queue/sql.ts';
import type { AuthVariables } from './auth.ts';
import { invalidRequest } from './errors.ts';
import { toJobStatus } from './job-view.ts';
import { type ApiLimits, quotaExceeded, type TenantSlots } from './limits.ts';
import type { JobSummary } from './schemas.ts';
import { type StreamLookOptions, streamLooks } from './stream-looks.ts';
import { streamResume } from './stream-resume.ts';

/** Jobs one look sends at most (more wait for the next look, which comes at once). */
const PAGE = 50;
/** Events of the shared log one look scans at most. */
const WINDOW = 10_000;
/** At least this long between two looks: a busy queue commits hundreds of times a second. */
const MIN_LOOK_MS = 200;

/**
 * `GET /v1/jobs/events`: a tenant's job list, live. A Server-Sent Events stream with one
 * `job` message per change of one of the tenant's jobs (submitted, leased, progressed,
 * finished, cancelled…): `data:` the job as `GET /v1/jobs` lists it, `id:` the events log
 * position it is current to. Without Last-Event-ID it starts from now (the client has just
 * read the list); with one it resumes there. Changes that come close together are sent
 * once, as the job then is (at most five looks a second). It never ends by itself.
 */
export function jobFeedRoute(
  queue: Queue,
  streams: TenantSlots,
  limits: ApiLimits,
  options: StreamLookOptions,
) {
  return async (c: Context<{ Variables: AuthVariables }>): Promise<Response> => {
    const tenant = c.get('tenant');
    const resume = streamResume(c, (text) => /^\d{1,15}$/.test(text));
    if (resume.problems.length > 0) {
      return invalidRequest(c, 'job list stream request', resume.problems);
    }
    const resumeFrom = resume.text;
    const release = streams.take(tenant);
    if (!release) {
      const remedy = 'close a stream (or poll GET /v1/jobs instead), then open it again';
      return quotaExceeded(c, limits, 'open event streams', limits.maxStreamsPerTenant, remedy);
    }
    let after: number;
    try {
      after = resumeFrom === '' ? await lastEventId(queue) : Number(resumeFrom);
    } catch (error) {
      release();
      throw error;
    }
    return streamLooks(
      c,
      queue.changes,
      `job list stream of tenant ${tenant}`,
      { minLookMs: MIN_LOOK_MS, ...options, onClose: release },
      async (stream) => {
        const latest = await lastEventId(queue);
        const until = Math.min(after + WINDOW, latest);
        const { rows } = await queue.driver.execute(
          sql('jobs_changed', { tenant, after_id: after, until_id: until, limit: PAGE }),
        );
        for (const row of rows) {
          const job = await jobSummary(queue, tenant, String(row.job_id));
          after = num(row.event_id);
          if (job)
            await stream.writeSSE({ id: String(after), event: 'job', data: JSON.stringify(job) });
        }
        // A full page: the jobs not sent yet changed later in the window.
        if (rows.length === PAGE) return 'more';
        after = until;
        // More of the log past the window: read on at once.
        if (until < latest) return 'more';
        return rows.length > 0 ? 'sent' : 'idle';
      },
    );
  };
}

/** The newest event's id. */
async function lastEventId(queue: Queue): Promise<number> {
  const [result] = await queue.driver.batch([sql('events_last_id', {})], 'read');
  return num(result!.rows[0]!.id);
}

/** A job as the list shows it (its status without results); undefined once it is gone. */
async function jobSummary(
  queue: Queue,
  tenant: string,
  id: string,
): Promise<JobSummary | undefined> {
  try {
    const { results: _, ...summary } = toJobStatus(
      await queue.getJob(tenant, id, { taskResults: false }),
    );
    return summary;
  } catch (error) {
    if ((error as Error).name === 'JobNotFoundError') return undefined;
    throw error;
  }
}
