import { z } from 'zod';
// The dashboard's answers register themselves with the others.
import './dashboard-schemas.ts';
import {
  apiSchemas,
  jobRequest,
  jobState,
  MAX_JOB_PAGE,
  MAX_LOG_PAGE,
  P2P_ONLY_FIELDS,
} from './schemas.ts';
import { CLAIM_CURSOR, MAX_CLAIM_PAGE } from './settlement-routes.ts';

/**
 * The OpenAPI 3.2 document of the job API, generated from the zod schemas that validate
 * its requests (JSON Schema 2020-12 is OpenAPI's own dialect since 3.1, so they go in as
 * they are). 3.2, not 3.1: only 3.2 can say what each message of the event stream holds
 * (`itemSchema`). Parameters that the server parses itself (cursors, ids) carry the
 * pattern it accepts, so that every value the document allows is one the server takes
 * (test/platform/schemathesis.test.ts holds it to that). Built once per app.
 */
export function openApiDocument(options: { version?: string } = {}): Record<string, unknown> {
  const uri = (id: string) => `#/components/schemas/${id}`;
  // Requests are described as a client writes them (defaults optional), answers as the
  // server sends them: the request body and every schema it refers to in input form.
  const outputs = z.toJSONSchema(apiSchemas, { io: 'output', uri }).schemas;
  const inputs = z.toJSONSchema(apiSchemas, { io: 'input', uri }).schemas;
  const requestSide = referencedFrom(inputs, idOf(jobRequest)!, uri);
  const schemas: Record<string, unknown> = {};
  for (const [id, schema] of Object.entries(outputs)) {
    const {
      $schema: _,
      $id: __,
      ...rest
    } = (requestSide.has(id) ? inputs[id] : schema) as Record<string, unknown>;
    schemas[id] = rest;
  }
  schemas[idOf(jobRequest)!] = withP2pOnlyFields(schemas[idOf(jobRequest)!]);

  const ref = (id: string) => ({ $ref: uri(id) });
  const json = (id: string, description: string) => ({
    description,
    content: { 'application/json': { schema: ref(id) } },
  });
  const error = (description: string) => json('Error', description);
  const jobId = {
    name: 'id',
    in: 'path',
    required: true,
    schema: { type: 'string' },
    description: 'The job id (from POST /v1/jobs).',
  };
  // Every route behind a key can meet these; any route can fail on the server.
  const authErrors = {
    '401': error('No valid API key (Authorization: Bearer KEY).'),
    '500': error('The server failed; the cause is in its log, and retrying may help.'),
  };
  const quota = (what: string) => ({
    description: `The tenant's quota of ${what} is full (details name it and its limit); try again after Retry-After seconds.`,
    headers: {
      'Retry-After': { schema: { type: 'integer' }, description: 'Seconds to wait.' },
    },
    content: { 'application/json': { schema: ref('Error') } },
  });

  return {
    openapi: '3.2.0',
    info: {
      title: 'noob job API',
      version: options.version ?? '0.1.0',
      description:
        'Submit tube runs, follow them, read their results. Errors are {"error": {"code", "message", "details"}}.',
    },
    components: {
      schemas,
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'A tenant API key' },
      },
    },
    security: [{ apiKey: [] }],
    paths: {
      '/v1/jobs': {
        get: {
          operationId: 'listJobs',
          summary: "The tenant's jobs, newest first, a page at a time",
          description:
            "Each job as GET /v1/jobs/{id} shows it, without results. Walk the pages by passing each page's next as ?after= until next is null; every job is met once, however many are submitted meanwhile.",
          parameters: [
            {
              name: 'state',
              in: 'query',
              required: false,
              schema: { type: 'string', enum: jobState.options },
              description: 'Only jobs in this state.',
            },
            {
              name: 'limit',
              in: 'query',
              required: false,
              schema: { type: 'integer', minimum: 1, maximum: MAX_JOB_PAGE, default: 50 },
              description: 'Jobs per page.',
            },
            {
              name: 'after',
              in: 'query',
              required: false,
              schema: { type: 'string', pattern: JOB_CURSOR, maxLength: 1000 },
              description: 'The next cursor of the previous page (empty: the first page).',
            },
          ],
          responses: {
            '200': json('JobList', 'A page of jobs.'),
            '400': error('A bad or unknown query parameter (details name it).'),
            ...authErrors,
          },
        },
        post: {
          operationId: 'submitJob',
          summary: 'Queue a tube run',
          parameters: [
            {
              name: 'Idempotency-Key',
              in: 'header',
              required: false,
              schema: { type: 'string', minLength: 1, maxLength: 200 },
              description: 'Same as the body field idempotencyKey (the body field wins).',
            },
          ],
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: ref('JobRequest'),
                example: { tube: 'testing-basic', epochs: 2 },
              },
            },
          },
          responses: {
            '202': json('JobCreated', 'The job is stored durably and will run.'),
            '400': error(
              'A bad field (settlement without runner "p2p" is one, naming settlement), malformed JSON, an invalid tube (details list its problems), or more node calls than the per-job limit (too_many_tasks).',
            ),
            ...authErrors,
            '409': error(
              'The idempotency key was used for a different request, or the job asks for runner "p2p" and this server joined no peer network (no_peer_network, naming runner).',
            ),
            '413': error('The body is over the size limit.'),
            '415': error('The body is not application/json.'),
            '429': quota('open jobs'),
          },
        },
      },
      '/v1/jobs/events': {
        get: {
          operationId: 'jobListEvents',
          summary: "The tenant's job list, live: a Server-Sent Events stream of its jobs' changes",
          description:
            'One message per change of one of the tenant\'s jobs (submitted, leased, progressed, finished, cancelled): event = "job", data = the job as GET /v1/jobs lists it (a JobSummary), id = the events log position it is current to. Changes close together come once, as the job then is. Without Last-Event-ID the stream starts from now; reconnect with it to resume. The stream does not end by itself.',
          parameters: [
            {
              name: 'Last-Event-ID',
              in: 'header',
              required: false,
              schema: { type: 'string', pattern: FEED_ID },
              description: 'Resume after this message id (empty: from now).',
            },
            {
              name: 'after',
              in: 'query',
              required: false,
              schema: { type: 'string', pattern: FEED_ID },
              description: 'As Last-Event-ID, for clients that cannot set headers.',
            },
          ],
          responses: {
            '200': {
              description:
                'The stream: text/event-stream messages, event "job" with a JobSummary as data (or "error" when the stream failed on the server: reconnect to resume).',
              content: {
                'text/event-stream': {
                  itemSchema: sseMessage(FEED_ID, [['job', ref('JobSummary')]]),
                },
              },
            },
            '400': error('Last-Event-ID (or after) is not an event id.'),
            ...authErrors,
            '429': quota('open event streams'),
          },
        },
      },
      '/v1/jobs/{id}': {
        get: {
          operationId: 'getJob',
          summary:
            "A job's state, progress, results and error (and a settled job's payment counts)",
          parameters: [jobId],
          responses: {
            '200': json('JobStatus', 'The job.'),
            ...authErrors,
            '404': error("No such job for this tenant (another tenant's job is not found either)."),
          },
        },
        delete: {
          operationId: 'cancelJob',
          summary: 'Cancel a job: queued tasks at once, running ones at their next heartbeat',
          parameters: [jobId],
          responses: {
            '200': json('JobStatus', 'The job after cancelling.'),
            ...authErrors,
            '404': error('No such job for this tenant.'),
            '409': error('The job already succeeded or failed.'),
          },
        },
      },
      '/v1/jobs/{id}/events': {
        get: {
          operationId: 'jobEvents',
          summary: "A job's events as Server-Sent Events, ending with a done message",
          description:
            'Each message has event = the event type and data = a JobEvent, or (with ?logs=true) event = "log" and data = a LogEntry (what a node call printed, as GET /v1/jobs/{id}/logs gives it). The id is the event id, or EVENT:LOG once log entries were sent. Reconnect with Last-Event-ID to resume without repeats. When the job is final a last message with event "done" carries its JobStatus.',
          parameters: [
            jobId,
            {
              name: 'Last-Event-ID',
              in: 'header',
              required: false,
              schema: { type: 'string', pattern: STREAM_ID },
              description: 'Resume after this message id (empty: from the start).',
            },
            {
              name: 'after',
              in: 'query',
              required: false,
              schema: { type: 'string', pattern: STREAM_ID },
              description: 'As Last-Event-ID, for clients that cannot set headers.',
            },
            {
              name: 'logs',
              in: 'query',
              required: false,
              schema: { type: 'string', enum: ['true', 'false'] },
              description:
                'true: also send what the job\'s node calls print, as "log" messages carrying a LogEntry.',
            },
          ],
          responses: {
            '200': {
              description:
                'The event stream: text/event-stream messages, each data line a JobEvent or (event "log") a LogEntry; the last, event "done", a JobStatus.',
              content: {
                'text/event-stream': {
                  itemSchema: sseMessage(STREAM_ID, [
                    ['done', ref('JobStatus')],
                    ['log', ref('LogEntry')],
                    [null, ref('JobEvent')],
                  ]),
                },
              },
            },
            '400': error('Last-Event-ID (or after) is not an event id.'),
            ...authErrors,
            '404': error('No such job for this tenant.'),
            '429': quota('open event streams'),
          },
        },
      },
      '/v1/jobs/{id}/logs': {
        get: {
          operationId: 'jobLogs',
          summary: "What a job's node calls printed (stdout and stderr), oldest first",
          description:
            'Each entry is one write of a node call (console.log, console.error, process.stdout.write, …) with its task, node, epoch and stream; output past the per-task bound (NOOB_MAX_LOG_BYTES) ends with an entry saying how much was dropped. Page with ?after= the next of the previous page; follow a running job by asking again after the last id (the event stream also sends each entry as a "log" message).',
          parameters: [
            jobId,
            {
              name: 'after',
              in: 'query',
              required: false,
              schema: { type: 'string', pattern: LOG_ID },
              description: 'Only entries after this id (empty: from the start).',
            },
            {
              name: 'limit',
              in: 'query',
              required: false,
              schema: { type: 'integer', minimum: 1, maximum: MAX_LOG_PAGE, default: 200 },
              description: 'Entries per page.',
            },
          ],
          responses: {
            '200': json('LogPage', 'A page of log entries.'),
            '400': error('A bad or unknown query parameter (details name it).'),
            ...authErrors,
            '404': error('No such job for this tenant.'),
          },
        },
      },
      '/v1/jobs/{id}/retry': {
        post: {
          operationId: 'retryJob',
          summary:
            'Queue a failed job again: its dead-lettered node calls get fresh attempts; calls that succeeded are not made again',
          parameters: [jobId],
          responses: {
            '200': json('JobRetried', 'The job, queued again.'),
            ...authErrors,
            '404': error('No such job for this tenant.'),
            '409': error('The job is not failed (re-run it instead).'),
          },
        },
      },
      '/v1/jobs/{id}/rerun': {
        post: {
          operationId: 'rerunJob',
          summary: 'Run the same request again as a new job, from the start',
          parameters: [jobId],
          responses: {
            '202': json('JobCreated', 'The new job.'),
            '400': error('The job is not a tube run of this API.'),
            ...authErrors,
            '404': error('No such job for this tenant.'),
            '429': quota('open jobs'),
          },
        },
      },
      '/v1/dead-letters': {
        get: {
          operationId: 'listDeadLetters',
          summary: "The tenant's dead-lettered node calls (failed for good), newest first",
          parameters: [
            {
              name: 'job',
              in: 'query',
              required: false,
              schema: { type: 'string', minLength: 1, maxLength: 200 },
              description: "Only this job's.",
            },
            {
              name: 'limit',
              in: 'query',
              required: false,
              schema: { type: 'integer', minimum: 1, maximum: MAX_JOB_PAGE, default: 50 },
            },
          ],
          responses: {
            '200': json('DeadLetterList', 'The dead letters.'),
            '400': error('A bad or unknown query parameter.'),
            ...authErrors,
          },
        },
      },
      '/v1/jobs/{id}/nodes': {
        get: {
          operationId: 'jobNodes',
          summary:
            "A job's tube as a graph, with each node's calls counted by state and their mean run time",
          parameters: [jobId],
          responses: {
            '200': json('JobNodes', 'The nodes.'),
            ...authErrors,
            '404': error('No such job for this tenant.'),
          },
        },
      },
      '/v1/workers': {
        get: {
          operationId: 'listWorkers',
          summary:
            'Workers the queue knows, most recently seen first, alive or not; a tenant key sees only its own tasks they hold',
          responses: { '200': json('WorkerList', 'The workers.'), ...authErrors },
        },
      },
      '/v1/settlement/claims/{address}': {
        get: {
          operationId: 'settlementClaims',
          summary:
            'What a payout address can claim on chain: each posted batch it has results in, with the Allocation argument of claim(worker, allocations)',
          description:
            "Any tenant's key may read any address's claims: they hold no tenant's data (no job ids or CIDs), only what the claim reveals on chain, and claim() pays only the worker. Claim after claimableAfter (unix seconds), e.g. with noob claim. Page with ?after= the next of the previous page.",
          parameters: [
            {
              name: 'address',
              in: 'path',
              required: true,
              schema: { type: 'string', pattern: '^0x[0-9a-fA-F]{40}$' },
              description: 'The payout address (any letter case).',
            },
            {
              name: 'after',
              in: 'query',
              required: false,
              schema: { type: 'string', pattern: CLAIM_CURSOR },
              description: 'The next of the previous page (empty: the first page).',
            },
            {
              name: 'limit',
              in: 'query',
              required: false,
              schema: { type: 'integer', minimum: 1, maximum: MAX_CLAIM_PAGE, default: 20 },
              description: 'Claims per page.',
            },
          ],
          responses: {
            '200': json('SettlementClaims', 'A page of claims, oldest batch first.'),
            '400': error('The address is not one, or a bad query parameter (details name it).'),
            ...authErrors,
          },
        },
      },
      '/': {
        get: {
          operationId: 'dashboard',
          summary: 'The dashboard: an HTML page that asks for an API key and uses this API',
          security: [],
          responses: {
            '200': {
              description: 'The page (its script and style inline, allowed by hash in its CSP).',
              content: { 'text/html': { schema: { type: 'string' } } },
            },
          },
        },
      },
      '/openapi.json': {
        get: {
          operationId: 'openApi',
          summary: 'This document',
          security: [],
          responses: { '200': { description: 'The OpenAPI 3.2 document.' } },
        },
      },
      '/healthz': {
        get: {
          operationId: 'health',
          summary: 'Whether the API and its database answer',
          security: [],
          responses: {
            '200': json('Health', 'Healthy.'),
            '503': error('The database does not answer.'),
          },
        },
      },
      '/livez': {
        get: {
          operationId: 'liveness',
          summary: 'Whether the API process answers (it does not look at the database)',
          security: [],
          responses: { '200': json('Liveness', 'Alive.') },
        },
      },
      '/readyz': {
        get: {
          operationId: 'readiness',
          summary:
            'Whether the server can accept and run work: the database takes writes (and, under noob serve, its log file is in place, a coordinator and at least one worker are up)',
          security: [],
          responses: {
            '200': json('Readiness', 'Ready; every check passed.'),
            '503': json('Readiness', 'Not ready; the failing checks say why.'),
          },
        },
      },
      '/metrics': {
        get: {
          operationId: 'metrics',
          summary:
            "Queue depth, jobs and workers in the Prometheus text format: a tenant key's own counts, or the whole queue's (with latency histograms) for an operator key",
          responses: {
            '200': {
              description: 'Prometheus text exposition format 0.0.4.',
              content: { 'text/plain': { schema: { type: 'string' } } },
            },
            ...authErrors,
          },
        },
      },
    },
  };
}

/**
 * A job list cursor (`next` of a page), or empty for the first page: any text of this
 * form is a place in the list (job-list.ts reads it).
 */
export const JOB_CURSOR = '^([0-9]{1,15}\\.[A-Za-z0-9_-]*)?$';
/** A message id of the event stream (`EVENT` or `EVENT:LOG`, as events.ts reads it), or empty. */
export const STREAM_ID = '^([0-9]{1,15}(:[0-9]{1,15})?)?$';
/** A log entry id, or empty (schemas.ts `logQuery`). */
export const LOG_ID = '^[0-9]{0,15}$';
/** A message id of the job list stream (a position in the events log), or empty. */
export const FEED_ID = '^[0-9]{0,15}$';

/**
 * One message of an event stream as a client's SSE parser gives it (`event`, `data`,
 * `id`): `data` is JSON text of the schema its event names (`null`: every other event).
 * A stream that fails on the server sends a last `error` message, `{code, message}`:
 * reconnect with Last-Event-ID to resume.
 */
function sseMessage(
  idPattern: string,
  kinds: Array<[event: string | null, data: unknown]>,
): Record<string, unknown> {
  const json = (schema: unknown) => ({
    type: 'string',
    contentMediaType: 'application/json',
    contentSchema: schema,
  });
  const failure = {
    type: 'object',
    required: ['code', 'message'],
    properties: { code: { const: 'stream_failed' }, message: { type: 'string' } },
  };
  const all: Array<[string | null, unknown]> = [...kinds, ['error', failure]];
  const named = all.flatMap(([event]) => (event === null ? [] : [event]));
  return {
    type: 'object',
    required: ['event', 'data'],
    properties: {
      event: { type: 'string' },
      data: { type: 'string' },
      id: { type: 'string', pattern: idPattern },
    },
    oneOf: all.map(([event, data]) => ({
      properties: {
        event: event === null ? { not: { enum: named } } : { const: event },
        data: json(data),
      },
    })),
  };
}

/** The ids of `start` and of every schema it refers to, at any depth. */
function referencedFrom(
  schemas: Record<string, unknown>,
  start: string,
  uri: (id: string) => string,
): Set<string> {
  const found = new Set<string>();
  const pending: unknown[] = [];
  const visit = (id: string) => {
    if (found.has(id) || !(id in schemas)) return;
    found.add(id);
    pending.push(schemas[id]);
  };
  visit(start);
  const prefix = uri('');
  for (let value = pending.pop(); value !== undefined; value = pending.pop()) {
    if (typeof value !== 'object' || value === null) continue;
    for (const [key, item] of Object.entries(value)) {
      if (key === '$ref' && typeof item === 'string' && item.startsWith(prefix)) {
        visit(item.slice(prefix.length));
      } else pending.push(item);
    }
  }
  return found;
}

function idOf(schema: z.ZodType): string | undefined {
  return apiSchemas.get(schema)?.id;
}

/**
 * The job request's cross-field rule in JSON Schema: zod's refinements are code, so its
 * generated schema allows `settlement` or `verification` with any runner, and a client
 * (or schemathesis) reading the document could not tell most such requests are a 400.
 * Each field present requires `runner: "p2p"`.
 */
function withP2pOnlyFields(schema: unknown): Record<string, unknown> {
  return {
    ...(schema as Record<string, unknown>),
    allOf: P2P_ONLY_FIELDS.map((field) => ({
      if: { required: [field] },
      // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then, not a thenable.
      then: { required: ['runner'], properties: { runner: { const: 'p2p' } } },
    })),
  };
}
