import { z } from 'zod';

/**
 * The job API's request and response shapes. They validate requests, type the client and
 * are the source of `/openapi.json`, so the three cannot drift apart.
 */

/** The schemas that `/openapi.json` lists as components, by id. */
export const apiSchemas = z.registry<{ id: string }>();

/** Scheduling priority, highest first. */
export const priority = z
  .enum(['CRITICAL', 'HIGH', 'NORMAL', 'LOW'])
  .describe('Scheduling priority; LOW work ages and is never starved.');

/** Where a job is: `queued`, `running`, or final (`succeeded`, `failed`, `cancelled`). */
export const jobState = z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']);

/**
 * Deepest nesting of arrays and objects in a job's `inputs` (the inputs object itself
 * included). Checking, storing and running inputs recurse over them: far deeper ones would
 * overflow the stack.
 */
export const MAX_INPUTS_DEPTH = 64;

/** Whether `value` nests arrays and objects at most `max` deep; a walk with its own stack. */
function nestedAtMost(value: unknown, max: number): boolean {
  const pending: Array<[unknown, number]> = [[value, 0]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [item, depth] = next;
    if (typeof item !== 'object' || item === null) continue;
    if (depth >= max) return false;
    for (const child of Object.values(item)) pending.push([child, depth + 1]);
  }
  return true;
}

/** A UTF-16 surrogate without its other half. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * An idempotency key: 1 to 200 characters of well-formed Unicode. A lone surrogate is
 * refused: stored as UTF-8 it would become U+FFFD, and two different keys would collide.
 */
export const idempotencyKey = z
  .string()
  .min(1)
  .max(200)
  .refine((key) => !LONE_SURROGATE.test(key), {
    message: 'contains a lone surrogate (not Unicode text)',
  });

/** How a job's node calls are retried after a node error (a lost worker is always retried). */
export const retryPolicy = z
  .strictObject({
    attempts: z
      .int()
      .min(1)
      .max(100)
      .describe('Attempts per node call, the first included (default 3; 1: no retry).'),
    backoff: z
      .strictObject({
        type: z
          .enum(['exponential', 'fixed'])
          .default('exponential')
          .describe(
            'exponential doubles the delay per attempt (up to 10 minutes); fixed keeps it.',
          ),
        delayMs: z.int().min(0).max(3_600_000).describe('Delay before the first retry (ms).'),
      })
      .optional()
      .describe('Default: exponential from 1 s, with jitter.'),
  })
  .describe(
    'Retries of node errors. A node that throws UnrecoverableError (from noob) is not retried; a failed call goes to the dead-letter list (GET /v1/dead-letters).',
  )
  .register(apiSchemas, { id: 'RetryPolicy' });

/** Most executors a quorum may ask for (the peers' own bound on a task's `k`). */
export const MAX_QUORUM = 16;

/** How the peer network verifies a job's node calls (`runner: "p2p"`). */
export const jobVerification = z
  .discriminatedUnion('mode', [
    z
      .strictObject({ mode: z.literal('trusted') })
      .describe('One executor per call; its answer is accepted.'),
    z
      .strictObject({
        mode: z.literal('quorum'),
        k: z.int().min(2).max(MAX_QUORUM).describe('Executors per call.'),
        q: z.int().min(1).max(MAX_QUORUM).describe('Equal result CIDs needed to accept (q ≤ k).'),
      })
      .refine((quorum) => quorum.q <= quorum.k, {
        message: 'q (equal answers needed) cannot be more than k (executors)',
        path: ['q'],
      })
      .describe(
        'k executors per call, each committing to its result CID before revealing it; accepted when q reveal the same.',
      ),
  ])
  .describe('How the peers verify the calls of a job with runner "p2p" (default trusted).')
  .register(apiSchemas, { id: 'JobVerification' });

/** The largest wei amount a reward may name: an escrow on chain is a uint96. */
const MAX_UINT96 = 2n ** 96n - 1n;

/** What pays a p2p job's executors on chain (see docs/settlement.md). */
export const jobSettlement = z
  .strictObject({
    name: z
      .string()
      .regex(
        /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/,
        'expected 1 to 100 letters, digits, dots, colons, underscores or hyphens, starting with a letter or digit',
      )
      .describe(
        "The tenant's name for the escrow that pays: the on-chain job id is escrowIdFor(tenant, name) = keccak256(abi.encode(\"noob/escrow/1\", tenant, name)), shown as the job's settlement.escrow. Fund that id; no tenant can name another tenant's escrow.",
      ),
    reward: z
      .string()
      .regex(/^[1-9][0-9]{0,28}$/, 'expected a whole number of wei above 0, in decimal')
      // Checked even when the pattern failed (zod goes on): only digits reach BigInt.
      .refine((wei) => !/^\d+$/.test(wei) || BigInt(wei) <= MAX_UINT96, {
        message: 'more wei than an escrow holds (a uint96)',
      })
      .describe(
        'Wei paid per accepted call to each executor of its verdict that has a payout address and signed the result (decimal string).',
      ),
  })
  .describe(
    'Pay the executors of the accepted calls from an on-chain escrow (runner "p2p" only): each paid answer is recorded for the settlement function.',
  )
  .register(apiSchemas, { id: 'JobSettlement' });

/**
 * Job request fields that only a peer-network job takes: each has its refinement in
 * {@link jobRequest}, and the OpenAPI document states the same rule in JSON Schema.
 */
export const P2P_ONLY_FIELDS = ['verification', 'settlement'] as const;

/** `POST /v1/jobs`: a tube run to queue. Unknown fields are refused (a typo is a 400). */
export const jobRequest = z
  .strictObject({
    tube: z
      .string()
      .min(1)
      .describe(
        'The tube: its YAML text, or the noob_id of a tube registered on the server (a single word without spaces or colons).',
      ),
    inputs: z
      .record(z.string(), z.unknown())
      .refine((inputs) => nestedAtMost(inputs, MAX_INPUTS_DEPTH), {
        message: `nested deeper than ${MAX_INPUTS_DEPTH} arrays and objects`,
      })
      .default({})
      .describe(
        `Values for the tube's tube-scoped inputs, checked against their declared types; arrays and objects nested at most ${MAX_INPUTS_DEPTH} deep.`,
      ),
    epochs: z.int().min(1).max(1_000_000).default(1).describe('Epochs to run: run(epochs).'),
    priority: priority.default('NORMAL'),
    tags: z
      .array(z.string().min(1).max(200))
      .max(64)
      .default([])
      .describe('Tags a worker must all have to run the tasks (gpu, cpu, region:…).'),
    idempotencyKey: idempotencyKey
      .optional()
      .describe(
        'Same key (per tenant) and same request → the same job; same key with another request → 409.',
      ),
    retry: retryPolicy.optional(),
    timeoutMs: z
      .int()
      .min(1)
      .max(2_147_483_647)
      .optional()
      .describe(
        "The job's deadline, in ms after it is accepted (waiting for workers included): past it the job fails with JobTimeoutError and its tasks are cancelled. At most the server's maximum (NOOB_MAX_JOB_TIMEOUT_MS, default 24 hours), which is also the default.",
      ),
    runner: z
      .enum(['queued', 'p2p'])
      .optional()
      .describe(
        "Where the node calls run: queued (default: the server's workers) or p2p (the peer network the server joined with --peers; 409 no_peer_network when it has none). With p2p, tags are what an executing peer must have.",
      ),
    verification: jobVerification.optional(),
    settlement: jobSettlement.optional(),
  })
  .refine((job) => job.verification === undefined || job.runner === 'p2p', {
    message: 'verification is for jobs with runner "p2p" (the server\'s workers are trusted)',
    path: ['verification'],
  })
  .refine((job) => job.settlement === undefined || job.runner === 'p2p', {
    message:
      'settlement is for jobs with runner "p2p" (only peers sign their answers; the server\'s workers are not paid on chain)',
    path: ['settlement'],
  })
  .register(apiSchemas, { id: 'JobRequest' });

/** A job request as the client writes it (defaults optional). */
export type JobRequest = z.input<typeof jobRequest>;

/** `202` answer to a submission. */
export const jobCreated = z
  .object({ id: z.string().describe('The job id.') })
  .register(apiSchemas, { id: 'JobCreated' });

/** What a job ended with when it failed (the API's error shape). */
export const jobError = z
  .object({ code: z.string(), message: z.string(), details: z.unknown().optional() })
  .register(apiSchemas, { id: 'JobError' });

/** What an open job waits on (see `explainWait` in core/queue/waits.ts). */
export const jobWait = z
  .object({
    reason: z
      .enum([
        'no_workers',
        'no_matching_workers',
        'no_coordinator',
        'retry_backoff',
        'workers_busy',
      ])
      .describe(
        'no_workers: no live worker at all; no_matching_workers: its tags are offered by none; no_coordinator: no coordinator took the tube job up yet; retry_backoff: its next task waits for a retry delay; workers_busy: ready, the workers are busy.',
      ),
    detail: z.string().describe('The same in words, with what to do.'),
  })
  .register(apiSchemas, { id: 'JobWait' });

/** What the peer network accepted for a job with runner "p2p". */
export const jobVerdict = z
  .object({
    verification: jobVerification,
    calls: z.int().describe('Node calls the network answered and the verification accepted.'),
    accepted: z
      .array(
        z.object({
          node: z.string().describe('The node called.'),
          epoch: z.string().describe('The epoch of the call (`3`, or `3/(split,0)` inside a map).'),
          task: z.string().describe("The call's task CID (tube, node, epoch, inputs)."),
          result: z.string().describe('The accepted result CID.'),
          executors: z.array(z.string()).describe('The peers whose answers made it.'),
        }),
      )
      .describe('Each accepted call, in order (the first 1000).'),
    evidence: z
      .int()
      .describe(
        "Signed evidence records against executors that answered otherwise (kept in the peers' ledger).",
      ),
  })
  .register(apiSchemas, { id: 'JobVerdict' });

/** A settled job's escrow and reward, and how its accepted calls fared for payment. */
export const jobSettlementStatus = z
  .object({
    escrow: z
      .string()
      .describe('The on-chain job id whose escrow pays: escrowIdFor(tenant, name).'),
    name: z.string().describe("The tenant's name for that escrow, as submitted."),
    reward: z.string().describe('Wei per accepted call and paid executor.'),
    recordedCalls: z
      .int()
      .nullable()
      .describe(
        'Accepted calls recorded for payment (at least one executor paid); null until the job ended.',
      ),
    unpaidCalls: z
      .int()
      .nullable()
      .describe(
        'Accepted calls no executor can be paid for (none announced a payout address, or none signed the result validly); null until the job ended.',
      ),
    unpaidAnswers: z
      .int()
      .nullable()
      .describe(
        "Executors' answers in accepted verdicts not paid, for the same reasons; null until the job ended.",
      ),
  })
  .register(apiSchemas, { id: 'JobSettlementStatus' });

/** A job as its submitter sees it. */
export const jobStatus = z
  .object({
    id: z.string(),
    state: jobState,
    priority,
    tube: z
      .object({
        noobId: z.string().nullable().describe("The tube's noob_id."),
        cid: z
          .string()
          .nullable()
          .describe(
            'The CID of the tube as it runs (its spec and inputs); part of every task CID.',
          ),
      })
      .nullable()
      .describe('The tube the job runs (null for a job of plain tasks).'),
    progress: z
      .object({
        total: z.int().describe('Tasks (node calls) so far.'),
        done: z.int(),
        failed: z.int(),
        cancelled: z.int(),
        epochs: z
          .object({
            total: z
              .int()
              .nullable()
              .describe('Epochs asked for, known from the start (null when the job did not say).'),
            done: z.int().describe('Root epochs the run has finished.'),
          })
          .describe(
            "The run's root epochs: the progress to show when the tasks are not (stateful nodes run in the coordinator and make no tasks; map makes more per epoch).",
          ),
      })
      .describe(
        'Counts of the tasks the run has made so far (total grows epoch by epoch), and its epochs.',
      ),
    results: z
      .array(z.unknown())
      .nullable()
      .describe('The list run(epochs) gives, once succeeded; null before.'),
    error: jobError.nullable().describe('Why the job failed; null otherwise.'),
    createdAt: z.iso.datetime(),
    finishedAt: z.iso.datetime().nullable(),
    waiting: jobWait
      .nullable()
      .optional()
      .describe(
        'What the open job waits on, when it is not moving (GET /v1/jobs/:id only); null when it is not waiting.',
      ),
    verdict: jobVerdict
      .optional()
      .describe('How the peer network verified the calls, once a job with runner "p2p" ended.'),
    settlement: jobSettlementStatus
      .optional()
      .describe('What pays the calls, for a job submitted with a settlement.'),
  })
  .register(apiSchemas, { id: 'JobStatus' });

/** A job's status as the client reads it. */
export type JobStatus = z.output<typeof jobStatus>;

/** A job in a list: its status without the results and verdict (read one job for those). */
export const jobSummary = jobStatus
  .omit({ results: true, verdict: true })
  .register(apiSchemas, { id: 'JobSummary' });

/** A job of a list as the client reads it. */
export type JobSummary = z.output<typeof jobSummary>;

/** Most jobs one page of `GET /v1/jobs` holds. */
export const MAX_JOB_PAGE = 200;

/** A `?limit=` query parameter: a whole number from 1 to {@link MAX_JOB_PAGE}. */
function pageLimit(description: string) {
  return z
    .string()
    .regex(/^\d+$/, 'expected a whole number')
    .transform(Number)
    .pipe(z.int().min(1).max(MAX_JOB_PAGE))
    .optional()
    .describe(description);
}

/**
 * `GET /v1/jobs` query: a state filter and a page (`after` is the `next` of the previous
 * page). Unknown parameters are refused, as unknown body fields are.
 */
export const jobListQuery = z.strictObject({
  state: jobState.optional().describe('Only jobs in this state.'),
  limit: pageLimit(`Jobs per page, 1 to ${MAX_JOB_PAGE} (default 50).`),
  after: z.string().min(1).max(1000).optional().describe('The next cursor of the previous page.'),
});

/** `GET /v1/jobs`: a page of the tenant's jobs, newest first. */
export const jobList = z
  .object({
    jobs: z.array(jobSummary),
    next: z
      .string()
      .nullable()
      .describe('Pass as ?after= for the next page; null on the last page.'),
  })
  .register(apiSchemas, { id: 'JobList' });

/** A page of jobs as the client reads it. */
export type JobList = z.output<typeof jobList>;

/** One entry of a job's events log (the data of an SSE message; its `id` is the SSE id). */
export const jobEvent = z
  .object({
    id: z.int().describe('Grows monotonically: resume with Last-Event-ID.'),
    jobId: z.string(),
    type: z
      .string()
      .describe(
        'job.<state>, job.outcome (results or error), job.progress (data.epochsDone; for a job run on the peer network also data.total, done, failed and cancelled: its calls there), job.epoch (a finished root epoch: data {epoch, result}, or {epoch, bytes, stored} referencing a result over 16 KiB), tasks.leased and tasks.succeeded (data.tasks: each {id, cid, node, epoch, attempt}) or task.<state> (a retry, dead letter or cancellation; data.node and data.epoch name the call).',
      ),
    taskId: z.int().nullable(),
    cid: z.string().nullable(),
    data: z.record(z.string(), z.unknown()),
    at: z.int().describe('ms since the Unix epoch'),
  })
  .register(apiSchemas, { id: 'JobEvent' });

/** An event of a job's stream as the client reads it. */
export type JobEvent = z.output<typeof jobEvent>;

/** Most log entries one page of `GET /v1/jobs/:id/logs` holds. */
export const MAX_LOG_PAGE = 1000;

/**
 * One entry of a job's logs: one write a node call made to stdout or stderr (its
 * `console.log`, `console.error`, …), with where it came from. The same object is the data
 * of the event stream's `log` messages.
 */
export const logEntry = z
  .object({
    id: z.int().describe('Grows monotonically: read on with ?after= the last id seen.'),
    taskId: z
      .int()
      .nullable()
      .describe("The task whose call printed it; null for a call made by the job's coordinator."),
    node: z
      .string()
      .describe(
        "The node id; empty for output of the job's coordinator (its stateful nodes), which cannot tell which node printed.",
      ),
    epoch: z
      .string()
      .describe('The epoch of the call (`3`, or `3/(split,0)` inside a map); empty as node is.'),
    stream: z.enum(['stdout', 'stderr']),
    text: z
      .string()
      .describe(
        'What was written, as written (a console.log line ends in a newline). Past the per-task bound a last entry says how much was dropped.',
      ),
    at: z.int().describe('ms since the Unix epoch'),
  })
  .register(apiSchemas, { id: 'LogEntry' });

/** A log entry as the client reads it. */
export type LogEntry = z.output<typeof logEntry>;

/** `GET /v1/jobs/:id/logs` query: entries after an id, a page at a time. */
export const logQuery = z.strictObject({
  after: z
    .string()
    .regex(/^\d{1,15}$/, 'expected a log entry id')
    .transform(Number)
    .optional()
    .describe('Only entries after this id (the last id seen, or the next of the previous page).'),
  limit: z
    .string()
    .regex(/^\d+$/, 'expected a whole number')
    .transform(Number)
    .pipe(z.int().min(1).max(MAX_LOG_PAGE))
    .optional()
    .describe(`Entries per page, 1 to ${MAX_LOG_PAGE} (default 200).`),
});

/** `GET /v1/jobs/:id/logs`: a page of a job's log entries, oldest first. */
export const logPage = z
  .object({
    logs: z.array(logEntry),
    next: z
      .int()
      .nullable()
      .describe(
        'Pass as ?after= for the next page; null when this page holds the last entry so far (a running job may print more: ask again after the last id).',
      ),
  })
  .register(apiSchemas, { id: 'LogPage' });

/** A page of log entries as the client reads it. */
export type LogPage = z.output<typeof logPage>;

/** A dead-lettered task: a node call that failed for good. */
export const deadLetter = z
  .object({
    taskId: z.int(),
    jobId: z.string(),
    cid: z.string(),
    nodeId: z.string().nullable(),
    epoch: z.string().nullable(),
    attempts: z.int().describe('Attempts made (a lost worker does not count).'),
    error: z.object({ name: z.string(), message: z.string(), details: z.string().optional() }),
    failedAt: z.iso.datetime(),
  })
  .register(apiSchemas, { id: 'DeadLetter' });

/** `GET /v1/dead-letters`. */
export const deadLetterList = z
  .object({ deadLetters: z.array(deadLetter) })
  .register(apiSchemas, { id: 'DeadLetterList' });

/** `GET /v1/dead-letters` query. */
export const deadLetterQuery = z.strictObject({
  job: z.string().min(1).max(200).optional().describe("Only this job's."),
  limit: pageLimit(`Dead letters to list, 1 to ${MAX_JOB_PAGE} (default 50).`),
});

/** `POST /v1/jobs/{id}/retry`. */
export const jobRetried = z
  .object({
    retried: z.int().describe('Tasks queued again.'),
    job: jobStatus,
  })
  .register(apiSchemas, { id: 'JobRetried' });

/** A worker as the queue knows it. */
export const worker = z
  .object({
    id: z.string(),
    tags: z.array(z.string()),
    startedAt: z.iso.datetime(),
    lastSeenAt: z.iso.datetime(),
    leased: z
      .int()
      .describe("Tasks it holds right now (a tenant key counts its own tenant's only)."),
    alive: z
      .boolean()
      .describe(
        'Seen (a claim or a heartbeat) in the last 60 s; a worker that died stays listed, not alive.',
      ),
  })
  .register(apiSchemas, { id: 'Worker' });

/** `GET /v1/workers`. */
export const workerList = z
  .object({ workers: z.array(worker) })
  .register(apiSchemas, { id: 'WorkerList' });

/** A worker as the client reads it. */
export type Worker = z.output<typeof worker>;

/** `GET /healthz`. */
export const health = z
  .object({ ok: z.boolean(), database: z.enum(['embedded', 'remote']) })
  .register(apiSchemas, { id: 'Health' });

/** `GET /livez`: the process answers. */
export const liveness = z.object({ ok: z.literal(true) }).register(apiSchemas, { id: 'Liveness' });

/** `GET /readyz`: whether the server can accept and run work, check by check. */
export const readiness = z
  .object({
    ready: z.boolean(),
    checks: z.record(
      z.string(),
      z.object({
        ok: z.boolean(),
        message: z.string().optional(),
        details: z.record(z.string(), z.unknown()).optional(),
      }),
    ),
  })
  .register(apiSchemas, { id: 'Readiness' });

/** Every error answer: `{"error": {"code", "message", "details"}}`. */
export const errorBody = z
  .object({
    error: z.object({
      code: z.string().describe('Stable, for programs: invalid_request, invalid_tube, …'),
      message: z.string().describe('For people: what was wrong and what to do.'),
      details: z
        .unknown()
        .optional()
        .describe('The bad fields, or the tube problems ({path, line, nodeId, message}).'),
    }),
  })
  .register(apiSchemas, { id: 'Error' });
