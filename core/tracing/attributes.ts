/**
 * The span attributes noob sets, in one place so that a query in a trace backend and the
 * code agree on the names. `noob.*` are noob's own; the HTTP ones are OpenTelemetry's
 * semantic conventions.
 */

/** The job a span belongs to (the id `POST /v1/jobs` answered). */
export const ATTR_JOB_ID = 'noob.job.id';
/** The tenant that owns the job. */
export const ATTR_TENANT = 'noob.tenant';
/** The task's CID: one node call in one epoch. */
export const ATTR_TASK_CID = 'noob.task.cid';
/** The node's id in its tube. */
export const ATTR_NODE_ID = 'noob.node.id';
/** The node's type as the worker resolves it (`noob.testing.count`, `./nodes.ts#f`). */
export const ATTR_NODE_TYPE = 'noob.node.type';
/** The epoch of the call (`3`, or a sub-epoch such as `3/(split,0)`). */
export const ATTR_EPOCH = 'noob.epoch';
/** Which attempt of the task this call is (1 for the first). */
export const ATTR_TASK_ATTEMPT = 'noob.task.attempt';
/** The worker that claimed the task. */
export const ATTR_WORKER_ID = 'noob.worker.id';
/** How many epochs the job runs. */
export const ATTR_EPOCHS = 'noob.job.epochs';
/** The tube's noob_id (a run of `noob run`). */
export const ATTR_TUBE_ID = 'noob.tube.id';
/** Which runner a `noob run` used (`sync`, `http`, …). */
export const ATTR_RUNNER = 'noob.runner';

/** The request's method (semantic conventions). */
export const ATTR_HTTP_METHOD = 'http.request.method';
/** The matched route's pattern, e.g. `/v1/jobs/:id` (semantic conventions). */
export const ATTR_HTTP_ROUTE = 'http.route';
/** The answer's status code (semantic conventions). */
export const ATTR_HTTP_STATUS = 'http.response.status_code';
/** The request's path (semantic conventions). */
export const ATTR_URL_PATH = 'url.path';
