import { SpanKind } from '@opentelemetry/api';
import { ATTR_EPOCH, ATTR_JOB_ID, ATTR_NODE_ID, ATTR_TASK_CID } from './attributes.ts';
import { traceParentOf } from './carrier.ts';
import { tracingEnabled } from './enabled.ts';
import { inSpan } from './span.ts';

/** The node call a task stands for. */
export interface TaskIdentity {
  /** The queue job (absent for a call `noob run` sends straight to an HTTP worker). */
  jobId?: string;
  cid: string;
  nodeId: string;
  epoch: string;
}

/**
 * Sends one node call to its workers inside a `dispatch NODE` span (a producer, lasting
 * until the call's outcome is known: the wait in the queue and the call itself) and
 * hands `send` the span's `traceparent` to put in the task, where the worker that runs
 * it finds its parent. With tracing off, `send` runs alone and gets undefined.
 */
export function traceDispatch<T>(
  task: TaskIdentity,
  send: (traceparent: string | undefined) => Promise<T>,
): Promise<T> {
  if (!tracingEnabled()) return send(undefined);
  const attributes = {
    ...(task.jobId !== undefined ? { [ATTR_JOB_ID]: task.jobId } : {}),
    [ATTR_TASK_CID]: task.cid,
    [ATTR_NODE_ID]: task.nodeId,
    [ATTR_EPOCH]: task.epoch,
  };
  const start = { name: `dispatch ${task.nodeId}`, kind: SpanKind.PRODUCER, attributes };
  return inSpan(start, () => send(traceParentOf()));
}
