import { SpanKind } from '@opentelemetry/api';
import type { HandedTask } from '../queue/handoff.ts';
import {
  ATTR_EPOCH,
  ATTR_JOB_ID,
  ATTR_NODE_ID,
  ATTR_NODE_TYPE,
  ATTR_TASK_ATTEMPT,
  ATTR_TASK_CID,
  ATTR_WORKER_ID,
} from './attributes.ts';
import { contextOfTraceParent } from './carrier.ts';
import { tracingEnabled } from './enabled.ts';
import { failSpan, inSpan } from './span.ts';

/** A claimed node call, as the worker that runs it knows it. */
export interface CallIdentity {
  /** The queue job (absent for a call sent straight to an HTTP worker). */
  jobId?: string;
  cid: string;
  nodeId: string;
  epoch: string;
  type: string;
  /** The task's attempt (1 for the first), when it came from the queue. */
  attempt?: number;
  workerId: string;
  /** The `traceparent` the call was dispatched with (in the task), if any. */
  traceparent?: string | undefined;
}

/**
 * Runs one node call on a worker inside a `call NODE` span (a consumer), a child of the
 * span that dispatched it (from the task's `traceparent`, across processes), with the
 * job id, task CID, node id and type, epoch, attempt and worker as attributes. A node
 * that throws marks the span failed and its error is rethrown as it was. With tracing
 * off, `call` runs alone.
 */
export function traceCall<T>(
  task: CallIdentity,
  call: () => Promise<T>,
  failure?: (result: T) => unknown,
): Promise<T> {
  if (!tracingEnabled()) return call();
  const attributes = {
    ...(task.jobId !== undefined ? { [ATTR_JOB_ID]: task.jobId } : {}),
    [ATTR_TASK_CID]: task.cid,
    [ATTR_NODE_ID]: task.nodeId,
    [ATTR_NODE_TYPE]: task.type,
    [ATTR_EPOCH]: task.epoch,
    ...(task.attempt !== undefined ? { [ATTR_TASK_ATTEMPT]: task.attempt } : {}),
    [ATTR_WORKER_ID]: task.workerId,
  };
  const parent = contextOfTraceParent(task.traceparent);
  const start = { name: `call ${task.nodeId}`, kind: SpanKind.CONSUMER, parent, attributes };
  return inSpan(start, async (span) => {
    const result = await call();
    const error = failure?.(result);
    if (error !== undefined) failSpan(span, error);
    return result;
  });
}

/** A task as a queue worker holds it (claimed, or handed over before it was stored). */
type QueueTask = Pick<HandedTask, 'jobId' | 'cid' | 'nodeId' | 'epoch' | 'attempt' | 'input'>;

/**
 * {@link traceCall} for a task claimed from the queue (by a queue worker or a worker
 * Lambda): its node type and `traceparent` are read from its input (a node call as
 * `POST /v1/tasks` takes it).
 */
export function traceClaimedCall<T>(
  task: QueueTask,
  workerId: string,
  call: () => Promise<T>,
  failure?: (result: T) => unknown,
): Promise<T> {
  if (!tracingEnabled()) return call();
  const input = (task.input ?? {}) as { type?: unknown; traceparent?: unknown };
  const identity: CallIdentity = {
    jobId: task.jobId,
    cid: task.cid,
    nodeId: task.nodeId ?? '?',
    epoch: task.epoch ?? '?',
    type: typeof input.type === 'string' ? input.type : '?',
    attempt: task.attempt,
    workerId,
    traceparent: typeof input.traceparent === 'string' ? input.traceparent : undefined,
  };
  return traceCall(identity, call, failure);
}

/**
 * {@link traceClaimedCall} for a queue worker, whose `run` settles with an outcome rather
 * than throwing: `{ok: false, error}` marks the span failed.
 */
export function traceQueueCall<T extends { ok: boolean; error?: unknown }>(
  task: QueueTask,
  workerId: string,
  run: () => Promise<T>,
): Promise<T> {
  return traceClaimedCall(task, workerId, run, (outcome) =>
    outcome.ok ? undefined : (outcome.error ?? 'failed'),
  );
}
