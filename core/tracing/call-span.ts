import { SpanKind } from '@opentelemetry/api';
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
import { inSpan } from './span.ts';

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
export async function traceCall<T>(task: CallIdentity, call: () => Promise<T>): Promise<T> {
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
  return inSpan({ name: `call ${task.nodeId}`, kind: SpanKind.CONSUMER, parent, attributes }, call);
}
