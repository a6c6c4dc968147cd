import type { Context } from 'hono';
import { escrowIdFor } from '../../contracts/client/escrow-id.ts';
import type { Queue } from '../../core/queue/queue.ts';
import type { Priority, RetryPolicy } from '../../core/queue/types.ts';
import { traceSubmit } from '../../core/tracing/submit-span.ts';
import type { TubeLoadError } from '../../core/tube/errors.ts';
import { errorResponse } from '../http/errors.ts';
import type { AuthVariables } from './auth.ts';
import { fieldProblems, invalidRequest } from './errors.ts';
import { type ApiLimits, quotaExceeded } from './limits.ts';
import { type OpenJobsQuota, openJobsQuota } from './open-jobs.ts';
import { type JobRequest, jobRequest, idempotencyKey as keySchema } from './schemas.ts';
import type { TubeCheckBusyError } from './tube-check-errors.ts';
import type { TubeChecker, TubeCheckSummary } from './tube-check-protocol.ts';
import { problemDetails } from './tube-source.ts';

/** A tube run as a job carries it: what the coordinator runs, and what a re-run repeats. */
export interface TubeJobPayload {
  tube: string;
  /** What the job says it runs (GET /v1/jobs/:id `tube`): the tube's noob_id and CID. */
  noobId?: string;
  tubeCid?: string;
  registered?: { id: string; path: string };
  inputs: Record<string, unknown>;
  epochs: number;
  tags: string[];
  /** The request's retry policy, kept for a re-run (the queue has it as numbers). */
  retry?: ApiRetry;
  /**
   * The job's deadline after acceptance (ms): the request's, or the server's maximum. The
   * coordinator fails the job past it (the queue counts it from `created_at`, or a retry).
   */
  timeoutMs?: number;
  /** `p2p`: the node calls run on the peer network (see `functions/serve/peer-network.ts`). */
  runner?: 'queued' | 'p2p';
  /** How the peers verify them. */
  verification?: JobRequest['verification'];
  /** The escrow that pays the accepted calls' executors, and the reward (p2p only). */
  settlement?: { escrow: string; name: string; reward: string };
}

/** `retry` as the API takes it. */
export interface ApiRetry {
  attempts: number;
  backoff?: { type: 'exponential' | 'fixed'; delayMs: number };
}

/** The API's retry policy as the queue's. */
export function queueRetry(retry: ApiRetry | undefined): RetryPolicy | undefined {
  if (!retry) return undefined;
  const backoff = retry.backoff;
  return {
    attempts: retry.attempts,
    ...(backoff ? { backoffMs: backoff.delayMs } : {}),
    ...(backoff?.type === 'fixed' ? { backoffMaxMs: backoff.delayMs } : {}),
  };
}

/**
 * Queue a tube run for a tenant, within its open-jobs quota: the 202 `{id}`, or a 429 with
 * `Retry-After` when the tenant has `maxOpenJobsPerTenant` jobs queued or running (counted
 * as {@link OpenJobsQuota} says: two submissions at the same moment may both pass, the
 * quota is a bound on load, not an exact count).
 */
export async function enqueueTubeJob(
  c: Context<{ Variables: AuthVariables }>,
  queue: Queue,
  limits: ApiLimits,
  job: { payload: TubeJobPayload; priority: Priority; idempotencyKey?: string | undefined },
): Promise<Response> {
  const tenant = c.get('tenant');
  const quota = openJobsQuota(queue);
  if (!(await quota.admit(tenant, limits.maxOpenJobsPerTenant))) {
    return quotaExceeded(
      c,
      limits,
      'open jobs',
      limits.maxOpenJobsPerTenant,
      'wait for some of its jobs to finish (or cancel some), then submit again',
    );
  }
  const retry = queueRetry(job.payload.retry);
  const { jobId } = await traceSubmit(tenant, (traceparent) =>
    queue.submitJob({
      tenant,
      kind: 'tube',
      // A job stored before timeouts existed, re-run, gets the server's.
      payload: { ...job.payload, timeoutMs: job.payload.timeoutMs ?? limits.maxJobTimeoutMs },
      priority: job.priority,
      ...(retry ? { retry } : {}),
      ...(job.idempotencyKey ? { idempotencyKey: job.idempotencyKey } : {}),
      open: true,
      ...(traceparent ? { traceparent } : {}),
    }),
  ).finally(() => quota.settled(tenant));
  c.header('Location', `/v1/jobs/${jobId}`);
  return c.json({ id: jobId }, 202);
}

/**
 * `POST /v1/jobs`: a JSON body (415 otherwise), checked field by field, its tube loaded and
 * checked off the event loop by `tubes` (400 `invalid_tube` naming the problems; 429 when
 * the tenant already has as many checks waiting as it may), its size within the per-job task limit
 * (400 `too_many_tasks`), then queued ({@link enqueueTubeJob}).
 */
export function submitJobRoute(
  queue: Queue,
  tubes: TubeChecker,
  limits: ApiLimits,
  /** Whether the platform joined a peer network (else `runner: "p2p"` is a 409). */
  peerNetwork = false,
) {
  return async (c: Context<{ Variables: AuthVariables }>): Promise<Response> => {
    const type = c.req.header('content-type') ?? '';
    if (!/^application\/([\w.+-]+\+)?json\s*(;|$)/i.test(type)) {
      return errorResponse(
        c,
        415,
        'unsupported_media_type',
        `the request body must be JSON (Content-Type: application/json), not ${JSON.stringify(type || 'none')}`,
      );
    }
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      return errorResponse(c, 400, 'invalid_json', 'the request body is not valid JSON');
    }
    const parsed = jobRequest.safeParse(body);
    if (!parsed.success) return invalidRequest(c, 'job', fieldProblems(parsed.error));
    const request = parsed.data;
    // The header is held to the body field's rules (1-200 characters, Unicode), whichever wins.
    const header = c.req.header('idempotency-key');
    const badHeader = header === undefined ? undefined : keySchema.safeParse(header).error;
    if (badHeader) {
      const message = badHeader.issues.map((issue) => issue.message).join('; ');
      return invalidRequest(c, 'job', [{ field: 'Idempotency-Key', message }]);
    }
    const idempotencyKey = request.idempotencyKey ?? header;
    if (request.timeoutMs !== undefined && request.timeoutMs > limits.maxJobTimeoutMs) {
      return invalidRequest(c, 'job', [
        {
          field: 'timeoutMs',
          message: `${request.timeoutMs} ms is over this server's maximum job timeout of ${limits.maxJobTimeoutMs} ms (NOOB_MAX_JOB_TIMEOUT_MS)`,
        },
      ]);
    }
    if (request.runner === 'p2p' && !peerNetwork) {
      return errorResponse(
        c,
        409,
        'no_peer_network',
        'runner "p2p" asks for the peer network, and this server has joined none: start noob serve with --peers ADDR (a noob peer\'s address), or leave runner out to use its workers',
        [{ field: 'runner', message: 'no peer network on this server' }],
      );
    }
    let checked: TubeCheckSummary;
    try {
      checked = await tubes.check(c.get('tenant'), request.tube, request.inputs);
    } catch (error) {
      if ((error as Error)?.name === 'TubeCheckBusyError') {
        const remedy = 'wait for its submissions to be answered, then submit again';
        return quotaExceeded(
          c,
          limits,
          'tube checks waiting',
          (error as TubeCheckBusyError).limit,
          remedy,
        );
      }
      if ((error as Error)?.name !== 'TubeLoadError') throw error;
      const problems = problemDetails((error as TubeLoadError).problems);
      return errorResponse(
        c,
        400,
        'invalid_tube',
        `invalid tube: ${problems.map((p) => p.message).join('; ')}`,
        problems,
      );
    }
    const calls = request.epochs * checked.nodeCount;
    if (calls > limits.maxTasksPerJob) {
      return errorResponse(
        c,
        400,
        'too_many_tasks',
        `${request.epochs} epochs × ${checked.nodeCount} nodes is ${calls} node calls, over the per-job limit of ${limits.maxTasksPerJob}`,
        { epochs: request.epochs, nodes: checked.nodeCount, limit: limits.maxTasksPerJob },
      );
    }
    return enqueueTubeJob(c, queue, limits, {
      payload: {
        tube: checked.text,
        noobId: checked.id,
        tubeCid: checked.cid,
        // A registered tube is run as that file's text by the coordinator, with the
        // file's trust, even if the file is edited before the job runs.
        ...(checked.registered ? { registered: checked.registered } : {}),
        inputs: request.inputs,
        epochs: request.epochs,
        tags: request.tags,
        ...(request.retry ? { retry: request.retry } : {}),
        ...(request.timeoutMs ? { timeoutMs: request.timeoutMs } : {}),
        ...(request.runner === 'p2p'
          ? { runner: 'p2p', verification: request.verification ?? { mode: 'trusted' } }
          : {}),
        // The escrow is derived from the tenant, never taken from the request: a tenant
        // cannot name another's escrow (the settler signs every batch alike).
        ...(request.settlement
          ? {
              settlement: {
                escrow: escrowIdFor(c.get('tenant'), request.settlement.name),
                name: request.settlement.name,
                reward: request.settlement.reward,
              },
            }
          : {}),
      },
      priority: request.priority,
      idempotencyKey,
    });
  };
}
