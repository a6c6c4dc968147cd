import { ApiError, JobWaitTimeoutError } from './client-errors.ts';
import type {
  JobEvent,
  JobList,
  JobRequest,
  JobStatus as JobStatusSchema,
  LogEntry,
  LogPage,
  Worker,
} from './schemas.ts';
import type { SettlementClaims } from './settlement-routes.ts';
import { readSse } from './sse.ts';

// The client is an entry point for users: its errors and types come with it.
export { ApiError, JobWaitTimeoutError } from './client-errors.ts';
export type {
  JobEvent,
  JobList,
  JobRequest,
  JobSummary,
  LogEntry,
  LogPage,
  Worker,
} from './schemas.ts';

/**
 * A job as its submitter sees it, with results typed as `T[]` (an epoch's result each;
 * `unknown` by default: the client takes the caller's word for it).
 */
export type JobStatus<T = unknown> = Omit<JobStatusSchema, 'results'> & {
  results: T[] | null;
};

/**
 * A typed client of the noob job API, for Node 22+, browsers, Deno and Bun (it only
 * needs `fetch`). Every error answer is thrown as an {@link ApiError}.
 *
 * @example
 * ```ts
 * const noob = createNoobClient({ baseUrl: 'http://127.0.0.1:8787', apiKey: process.env.NOOB_KEY! });
 * const { id } = await noob.submitJob({ tube: 'testing-basic', epochs: 5 });
 * for await (const message of noob.events(id)) {
 *   if (message.type === 'event') console.log(message.event.type);
 * }
 * console.log((await noob.getJob(id)).results); // [0, 2, 4, 6, 8]
 * ```
 */
export interface NoobClient {
  /** Queue a tube run; resolves once the job is stored (202). */
  submitJob(request: JobRequest, options?: CallOptions): Promise<{ id: string }>;
  /**
   * A page of the tenant's jobs, newest first, without results; pass `next` back as
   * `after` for the following page (null on the last).
   */
  listJobs(options?: ListJobsOptions): Promise<JobList>;
  /**
   * A job's state, progress, results and error. `T` is what one result is, e.g.
   * `getJob<NodeOutput<typeof scale>>(id)`; it is not checked (the server sends JSON).
   */
  getJob<T = unknown>(id: string, options?: CallOptions): Promise<JobStatus<T>>;
  /** Poll until the job is succeeded, failed or cancelled, and return it (`T`: as getJob). */
  waitForJob<T = unknown>(id: string, options?: WaitOptions): Promise<JobStatus<T>>;
  /** Cancel a job (queued work at once, running work at its next heartbeat). */
  cancelJob(id: string, options?: CallOptions): Promise<JobStatus>;
  /**
   * The job's events as they happen (with `logs: true`, also what its node calls print, as
   * `log` messages), then one `done` message with its final status. A dropped connection
   * is resumed from the last message's id, without repeats.
   */
  events(
    id: string,
    options: EventsOptions & { logs: true },
  ): AsyncGenerator<JobStreamMessage | JobLogMessage>;
  events(id: string, options?: EventsOptions): AsyncGenerator<JobStreamMessage>;
  /**
   * A page of what the job's node calls printed, oldest first. Pass `next` back as `after`
   * for the following page; while the job runs, ask again with the last entry's id.
   */
  logs(jobId: string, options?: LogsOptions): Promise<LogPage>;
  /** Workers the queue knows. */
  listWorkers(options?: CallOptions): Promise<Worker[]>;
  /**
   * A page of what payout address `address` can claim on chain (posted settlement batches,
   * oldest first); pass `next` back as `after` for the following page (null on the last).
   */
  settlementClaims(
    address: string,
    options?: CallOptions & { after?: string; limit?: number },
  ): Promise<SettlementClaims>;
}

/** Where the API is and who is calling. */
export interface NoobClientOptions {
  /** `http://127.0.0.1:8787` (a path prefix is kept). */
  baseUrl: string;
  /** A tenant's API key (`noob keys create --tenant NAME`). */
  apiKey: string;
  /** Another fetch (default: the global one). */
  fetch?: typeof fetch;
}

/** Options of every call. */
export interface CallOptions {
  signal?: AbortSignal;
}

/** Options of {@link NoobClient.listJobs}. */
export interface ListJobsOptions extends CallOptions {
  /** Only jobs in this state. */
  state?: JobStatus['state'];
  /** Jobs per page, 1 to 200 (default 50). */
  limit?: number;
  /** The `next` of the previous page. */
  after?: string;
}

/** Options of {@link NoobClient.logs}. */
export interface LogsOptions extends CallOptions {
  /** Only entries after this id (the last one seen, or the previous page's `next`). */
  after?: number | null;
  /** Entries per page, 1 to 1000 (default 200). */
  limit?: number;
}

/** Options of {@link NoobClient.waitForJob}. */
export interface WaitOptions extends CallOptions {
  /** Between two polls (ms, default 500). */
  intervalMs?: number;
  /** Give up with {@link JobWaitTimeoutError} after this long (ms, default: never). */
  timeoutMs?: number;
}

/** Options of {@link NoobClient.events}. */
export interface EventsOptions extends CallOptions {
  /** Start after this message id (an event id, or a message's id; default: from the start). */
  lastEventId?: string | number;
  /** Also stream the job's log entries, as `log` messages (default false). */
  logs?: boolean;
  /** Reconnections in a row without a new message before giving up (default 5). */
  maxReconnects?: number;
  /** Wait before reconnecting (ms, default 500). */
  reconnectMs?: number;
}

/** A message of a job's event stream: an event, or the end. */
export type JobStreamMessage =
  | { type: 'event'; event: JobEvent }
  | { type: 'done'; job: JobStatus };

/** A log entry of a job's event stream (what a node call printed), sent when asked for (`logs: true`). */
export interface JobLogMessage {
  type: 'log';
  log: LogEntry;
}

/** Make a client. */
export function createNoobClient(options: NoobClientOptions): NoobClient {
  const base = options.baseUrl.replace(/\/+$/, '');
  const doFetch = options.fetch ?? globalThis.fetch;

  async function call<T>(
    method: string,
    path: string,
    init: { body?: unknown; signal?: AbortSignal | undefined; headers?: Record<string, string> },
  ): Promise<T> {
    const response = await doFetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${options.apiKey}`,
        accept: 'application/json',
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...init.headers,
      },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      ...(init.signal ? { signal: init.signal } : {}),
    });
    if (!response.ok) throw await toApiError(response);
    return (await response.json()) as T;
  }

  const jobPath = (id: string) => `/v1/jobs/${encodeURIComponent(id)}`;
  const withQuery = (path: string, query: Record<string, unknown>) => {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) {
      if (value !== undefined && value !== null) params.set(name, String(value));
    }
    return params.size > 0 ? `${path}?${params}` : path;
  };

  const client: NoobClient = {
    submitJob: (request, opts = {}) =>
      call('POST', '/v1/jobs', { body: request, signal: opts.signal }),
    listJobs: ({ signal, ...query } = {}) => call('GET', withQuery('/v1/jobs', query), { signal }),
    getJob: <T>(id: string, opts: CallOptions = {}) =>
      call<JobStatus<T>>('GET', jobPath(id), { signal: opts.signal }),
    cancelJob: (id, opts = {}) => call('DELETE', jobPath(id), { signal: opts.signal }),
    logs: (id, { signal, ...query } = {}) =>
      call('GET', withQuery(`${jobPath(id)}/logs`, query), { signal }),
    listWorkers: async (opts = {}) =>
      (await call<{ workers: Worker[] }>('GET', '/v1/workers', { signal: opts.signal })).workers,
    settlementClaims: (address, { signal, ...query } = {}) =>
      call('GET', withQuery(`/v1/settlement/claims/${encodeURIComponent(address)}`, query), {
        signal,
      }),

    async waitForJob<T>(id: string, opts: WaitOptions = {}) {
      const started = Date.now();
      for (;;) {
        const job = await client.getJob<T>(id, opts);
        if (job.state === 'succeeded' || job.state === 'failed' || job.state === 'cancelled')
          return job;
        if (opts.timeoutMs !== undefined && Date.now() - started >= opts.timeoutMs)
          throw new JobWaitTimeoutError(id, opts.timeoutMs, job.state);
        await delay(opts.intervalMs ?? 500, opts.signal);
      }
    },

    events: async function* (
      id: string,
      opts: EventsOptions = {},
    ): AsyncGenerator<JobStreamMessage | JobLogMessage> {
      let lastEventId = opts.lastEventId === undefined ? undefined : String(opts.lastEventId);
      let failures = 0;
      for (;;) {
        let response: Response;
        try {
          response = await doFetch(`${base}${jobPath(id)}/events${opts.logs ? '?logs=true' : ''}`, {
            headers: {
              authorization: `Bearer ${options.apiKey}`,
              accept: 'text/event-stream',
              ...(lastEventId === undefined ? {} : { 'last-event-id': lastEventId }),
            },
            ...(opts.signal ? { signal: opts.signal } : {}),
          });
        } catch (error) {
          if (opts.signal?.aborted || ++failures > (opts.maxReconnects ?? 5)) throw error;
          await delay(opts.reconnectMs ?? 500, opts.signal);
          continue;
        }
        if (!response.ok) throw await toApiError(response);
        let streamError: ApiError | undefined;
        try {
          for await (const message of readSse(response.body!)) {
            failures = 0;
            if (message.event === 'done') {
              yield { type: 'done', job: JSON.parse(message.data) as JobStatus };
              return;
            }
            if (message.event === 'error') {
              const { code, message: text } = JSON.parse(message.data) as Record<string, string>;
              streamError = new ApiError(response.status, code ?? 'stream_failed', text ?? '');
              continue;
            }
            lastEventId = message.id;
            if (message.event === 'log') {
              yield { type: 'log', log: JSON.parse(message.data) as LogEntry };
              continue;
            }
            yield { type: 'event', event: JSON.parse(message.data) as JobEvent };
          }
        } catch (error) {
          if (opts.signal?.aborted) throw error;
          // The connection dropped mid-stream: resume below.
        }
        if (++failures > (opts.maxReconnects ?? 5)) {
          throw (
            streamError ??
            new ApiError(
              0,
              'stream_ended',
              `the event stream of job ${id} ended before it was done`,
            )
          );
        }
        await delay(opts.reconnectMs ?? 500, opts.signal);
      }
    } as NoobClient['events'],
  };
  return client;
}

/** An error answer as an ApiError (a body that is not the API's shape still gives one). */
async function toApiError(response: Response): Promise<ApiError> {
  const text = await response.text().catch(() => '');
  try {
    const { error } = JSON.parse(text) as {
      error: { code: string; message: string; details?: unknown };
    };
    if (error && typeof error.code === 'string') {
      return new ApiError(response.status, error.code, error.message, error.details);
    }
  } catch {}
  return new ApiError(
    response.status,
    'http_error',
    `HTTP ${response.status} ${response.statusText}${text ? `: ${text.slice(0, 200)}` : ''}`,
  );
}

function delay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
