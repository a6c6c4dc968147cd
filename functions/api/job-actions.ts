import type { Context } from 'hono';
import type { Queue } from '../../core/queue/queue.ts';
import type { AuthVariables } from './auth.ts';
import { fieldProblems, invalidRequest } from './errors.ts';
import { toJobStatus } from './job-view.ts';
import type { ApiLimits } from './limits.ts';
import { singleQueryValues } from './query.ts';
import { deadLetterQuery } from './schemas.ts';
import { enqueueTubeJob, type TubeJobPayload } from './submit-job.ts';

/**
 * What a user does about failures: the dead-letter list (`GET /v1/dead-letters`), retrying a
 * failed job where it failed (`POST /v1/jobs/:id/retry`) and running a job again from the
 * start as a new job (`POST /v1/jobs/:id/rerun`).
 */

type ApiContext = Context<{ Variables: AuthVariables }>;

/** `GET /v1/dead-letters[?job=ID][&limit=N]`: the tenant's dead-lettered tasks, newest first. */
export function deadLettersRoute(queue: Queue) {
  return async (c: ApiContext): Promise<Response> => {
    const { query, problems } = singleQueryValues(c);
    const parsed = deadLetterQuery.safeParse(query);
    if (!parsed.success) problems.push(...fieldProblems(parsed.error));
    if (problems.length > 0 || !parsed.data)
      return invalidRequest(c, 'dead-letter query', problems);
    const { job, limit } = parsed.data;
    const letters = await queue.deadLetters(c.get('tenant'), {
      ...(job ? { jobId: job } : {}),
      ...(limit ? { limit } : {}),
    });
    return c.json({
      deadLetters: letters.map((letter) => ({
        ...letter,
        failedAt: new Date(letter.failedAt).toISOString(),
      })),
    });
  };
}

/**
 * `POST /v1/jobs/:id/retry`: a failed job is queued again; its dead-lettered calls get fresh
 * attempts and the calls that succeeded are not made again. 409 for a job that is not failed.
 */
export function retryJobRoute(queue: Queue) {
  return async (c: ApiContext): Promise<Response> => {
    const tenant = c.get('tenant');
    const id = c.req.param('id')!;
    const retried = await queue.retryJob(tenant, id);
    const job = toJobStatus(await queue.getJob(tenant, id, { taskResults: false }));
    return c.json({ retried, job });
  };
}

/**
 * `POST /v1/jobs/:id/rerun`: the same request (tube text, inputs, epochs, tags, priority,
 * retry policy) as a new job, from the start: 202 `{id}` of the new job, within the
 * tenant's open-jobs quota.
 */
export function rerunJobRoute(queue: Queue, limits: ApiLimits) {
  return async (c: ApiContext): Promise<Response> => {
    const job = await queue.getJob(c.get('tenant'), c.req.param('id')!, { taskResults: false });
    const payload = job.payload as TubeJobPayload | null;
    if (job.kind !== 'tube' || typeof payload?.tube !== 'string') {
      return invalidRequest(c, 'rerun', [
        { field: 'id', message: 'only a tube run submitted through this API can be re-run' },
      ]);
    }
    return enqueueTubeJob(c, queue, limits, { payload, priority: job.priority });
  };
}
