import { Hono } from 'hono';
import type { Queue } from '../../core/queue/queue.ts';
import { sql } from '../../core/queue/sql.ts';
import { explainWait } from '../../core/queue/waits.ts';
import { errorResponse } from '../http/errors.ts';
import { traceRequests } from '../tracing/request-span.ts';
import { type AuthVariables, requireApiKey } from './auth.ts';
import { declaredBodyLimit } from './body-limit.ts';
import { dashboardRoute } from './dashboard/dashboard.ts';
import { errorFor, invalidRequest } from './errors.ts';
import { parseStreamCursor, streamJobEvents } from './events.ts';
import { databaseReadiness, type Readiness, readyRoute } from './health.ts';
import { deadLettersRoute, rerunJobRoute, retryJobRoute } from './job-actions.ts';
import { jobFeedRoute } from './job-feed.ts';
import { jobListRoute } from './job-list.ts';
import { jobLogsRoute } from './job-logs.ts';
import { jobNodesRoute } from './job-nodes.ts';
import { isFinal, toJobStatus } from './job-view.ts';
import { KeyStore } from './keys.ts';
import { type ApiLimits, defaultApiLimits, quotaExceeded, TenantSlots } from './limits.ts';
import { methodNotAllowed } from './methods.ts';
import { metricsRoute } from './metrics.ts';
import { openApiDocument } from './openapi.ts';
import { workersRoute } from './queue-view.ts';
import { settlementClaimsRoute } from './settlement-routes.ts';
import { streamResume } from './stream-resume.ts';
import { submitJobRoute } from './submit-job.ts';
import { tubeChecker } from './tube-checker.ts';
import type { TubeSourceOptions } from './tube-source.ts';

/** A job's status needs its row, not every task's result. */
const SUMMARY = { taskResults: false } as const;

/** How a job API app is built. */
export interface ApiAppOptions extends TubeSourceOptions {
  /** The queue jobs go to (its database also holds the API keys). */
  queue: Queue;
  /** API keys (default: a {@link KeyStore} on the queue's database). */
  keys?: KeyStore;
  /** Largest accepted request body in bytes (default 1 MiB). */
  maxBodyBytes?: number;
  /** Wait between two looks at a job's events log while streaming (ms, default 50). */
  eventPollMs?: number;
  /** Aborting it ends every open event stream (the server is stopping). */
  signal?: AbortSignal;
  /** Where unexpected errors are logged (default console.error). */
  log?: (message: string, error: unknown) => void;
  /** Per-tenant quotas and per-job limits (see {@link ApiLimits}; docs/limits.md). */
  limits?: Partial<ApiLimits>;
  /**
   * What `GET /readyz` reports: the platform's checks (`noob serve` adds a live
   * coordinator and workers, the database's log file). Default: the database takes writes.
   */
  readiness?: Readiness;
  /**
   * Tenants whose keys see the whole platform in `GET /metrics`, `GET /v1/workers` and the
   * dashboard (every tenant's counts); any other key sees its own tenant's part only.
   * Default none; `noob serve` names its `local` tenant, the operator's own.
   */
  operators?: readonly string[];
  /**
   * Whether jobs may ask for `runner: "p2p"`: the platform's coordinator joined a peer
   * network (`noob serve --peers`). Default false: such a job is a 409 `no_peer_network`.
   */
  peerNetwork?: boolean;
}

/**
 * The job API: a runtime-agnostic Hono app over the durable queue.
 * - `POST /v1/jobs` queues a tube run (the tube is loaded and checked first) → 202 `{id}`
 * - `GET /v1/jobs/:id`, `DELETE /v1/jobs/:id` (cancel), `GET /v1/jobs/:id/events` (SSE),
 *   `GET /v1/jobs/:id/logs` (what its node calls printed)
 * - `GET /v1/jobs` lists the tenant's jobs, newest first (`?state=`, `?limit=`, `?after=`);
 *   `GET /v1/jobs/events` streams their changes (SSE), for a list kept live
 * - `GET /v1/jobs/:id/nodes` (its tube's graph with each node's calls by state)
 * - `GET /v1/workers` and `GET /metrics` (Prometheus): a tenant key sees its own counts, an
 *   `operators` key the whole queue; public: `GET /openapi.json`, the dashboard at `GET /`
 *   (an HTML page whose own requests carry the user's key), and health: `GET /livez` (the
 *   process answers), `GET /healthz` (and its database answers), `GET /readyz` (it can
 *   accept and run work: 503 with the failing checks when not)
 *
 * Routes under `/v1` need `Authorization: Bearer KEY`; a key acts for one tenant, which
 * sees only its own jobs. Errors are `{"error": {"code", "message", "details"}}`.
 *
 * @example
 * ```ts
 * const queue = await openQueue('.noob/noob.db');
 * const app = createApiApp({ queue, tubePaths: ['tubes'] });
 * const { key } = await new KeyStore(queue.driver).create('acme');
 * const response = await app.request('/v1/jobs', {
 *   method: 'POST',
 *   headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
 *   body: JSON.stringify({ tube: 'testing-basic', epochs: 5 }),
 * });
 * ```
 */
export function createApiApp(options: ApiAppOptions) {
  const { queue } = options;
  const keys = options.keys ?? new KeyStore(queue.driver);
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const log = options.log ?? ((message, error) => console.error(message, error));
  const openApi = openApiDocument();
  // Tubes are checked on threads of their own (bounded), never on this event loop.
  const tubes = tubeChecker(options);
  options.signal?.addEventListener('abort', () => void tubes.close(), { once: true });
  const limits: ApiLimits = { ...defaultApiLimits(), ...options.limits };
  const streams = new TenantSlots(limits.maxStreamsPerTenant);
  const app = new Hono<{ Variables: AuthVariables }>();
  // Traced, each request is a server span the jobs it submits join (docs/tracing.md).
  app.use(traceRequests());

  app.onError((error, c) => errorFor(c, error, log));
  app.notFound(
    (c) =>
      methodNotAllowed(c, openApi) ??
      errorResponse(c, 404, 'not_found', `no route ${c.req.method} ${c.req.path}`, {
        routes: '/openapi.json lists them',
      }),
  );

  app.get('/', dashboardRoute());
  app.get('/openapi.json', (c) => c.json(openApi));
  app.get('/healthz', async (c) => {
    try {
      await queue.driver.batch([sql('ping', {})], 'read-relaxed');
    } catch (error) {
      log('noob api: health check failed', error);
      return errorResponse(c, 503, 'database_unavailable', 'the database does not answer');
    }
    return c.json({ ok: true, database: queue.driver.kind });
  });
  app.get('/livez', (c) => c.json({ ok: true }));
  const readiness = options.readiness ?? databaseReadiness(queue.driver);
  app.get('/readyz', (c) => readyRoute(c, readiness));
  const operators = new Set(options.operators ?? []);
  app.use('/metrics', requireApiKey(keys));
  app.get('/metrics', metricsRoute(queue, operators));

  app.use('/v1/*', requireApiKey(keys));

  app.post(
    '/v1/jobs',
    declaredBodyLimit({
      maxSize: maxBodyBytes,
      onError: (c) =>
        errorResponse(
          c,
          413,
          'payload_too_large',
          `the request body is over ${maxBodyBytes} bytes`,
          {
            maxBytes: maxBodyBytes,
          },
        ),
    }),
    submitJobRoute(queue, tubes, limits, options.peerNetwork),
  );

  // Before /v1/jobs/:id, which would take "events" for a job id.
  app.get(
    '/v1/jobs/events',
    jobFeedRoute(queue, streams, limits, {
      ...(options.eventPollMs ? { pollMs: options.eventPollMs } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      log,
    }),
  );

  app.get('/v1/jobs/:id', async (c) => {
    const status = toJobStatus(await queue.getJob(c.get('tenant'), c.req.param('id'), SUMMARY));
    // An open job also says what it waits on, if anything (no workers, absent tags, …).
    const waiting = isFinal(status.state) ? null : await explainWait(queue.driver, status.id);
    return c.json({ ...status, waiting });
  });

  app.delete('/v1/jobs/:id', async (c) => {
    const tenant = c.get('tenant');
    await queue.cancelJob(tenant, c.req.param('id'));
    return c.json(toJobStatus(await queue.getJob(tenant, c.req.param('id'), SUMMARY)));
  });

  app.get('/v1/jobs/:id/events', async (c) => {
    const tenant = c.get('tenant');
    const jobId = c.req.param('id');
    const resume = streamResume(c, (text) => parseStreamCursor(text) !== undefined);
    if (resume.problems.length > 0) {
      return invalidRequest(c, 'event stream request', resume.problems);
    }
    const from = parseStreamCursor(resume.text || '0')!;
    const logs = c.req.query('logs');
    if (logs !== undefined && logs !== 'true' && logs !== 'false') {
      return invalidRequest(c, 'event stream request', [
        { field: 'logs', message: `expected true or false, got ${JSON.stringify(logs)}` },
      ]);
    }
    await queue.getJob(tenant, jobId, SUMMARY); // 404 before the stream starts
    const release = streams.take(tenant);
    if (!release) {
      const remedy = 'close a stream (or read GET /v1/jobs/:id instead), then open it again';
      return quotaExceeded(c, limits, 'open event streams', limits.maxStreamsPerTenant, remedy);
    }
    return streamJobEvents(c, queue, tenant, jobId, from, {
      logs: logs === 'true',
      ...(options.eventPollMs ? { pollMs: options.eventPollMs } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      log,
      onClose: release,
    });
  });

  app.get('/v1/jobs/:id/logs', jobLogsRoute(queue));
  app.post('/v1/jobs/:id/retry', retryJobRoute(queue));
  app.post('/v1/jobs/:id/rerun', rerunJobRoute(queue, limits));
  app.get('/v1/dead-letters', deadLettersRoute(queue));

  app.get('/v1/jobs/:id/nodes', jobNodesRoute(queue, tubes));
  app.get('/v1/workers', workersRoute(queue, operators));

  app.get('/v1/jobs', jobListRoute(queue.driver));
  app.get('/v1/settlement/claims/:address', settlementClaimsRoute(queue.driver));

  return Object.assign(app, { keys });
}
