import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';
import { type CallIdentity, traceCall } from '../../core/tracing/call-span.ts';
import {
  EngineNodeError,
  ModuleNotAllowedError,
  type TaskExecutor,
  UnknownNodeTypeError,
} from './executor.ts';
import type { LoadTracker } from './load.ts';
import { CallOutput, captureCall, defaultMaxLogBytes, terminalEcho } from './output-capture.ts';
import type { RunQueue } from './run-queue.ts';
import { type TaskRequest, type TaskResult, taskRequest } from './task.ts';

/** Most calls one `POST /v1/batch` may carry. */
export const MAX_BATCH_TASKS = 1024;

/**
 * `POST /v1/batch`: several node calls in one request (the http runner sends every ready
 * call of a worker at once, instead of a round trip each).
 */
export const taskBatch = z
  .object({ tasks: z.array(taskRequest).min(1).max(MAX_BATCH_TASKS) })
  .strict();

/** A task that is not a node call, as a 400 says it: each bad field and what is wrong. */
export function describeTaskIssues(error: z.ZodError): {
  message: string;
  details: Array<{ field: string; message: string }>;
} {
  const details = error.issues.map((issue) => ({
    field: issue.path.join('.') || '(body)',
    message: issue.message,
  }));
  const message = `invalid task: ${details.map((i) => `${i.field}: ${i.message}`).join('; ')}`;
  return { message, details };
}

/** Why one call of a batch (or the one call of `POST /v1/tasks`) failed, as HTTP says it. */
export interface TaskFailure {
  status: ContentfulStatusCode;
  code: string;
  message: string;
  details?: unknown;
}

/** One entry of a batch's answer, in the order of its tasks. */
export type BatchEntry = ({ ok: true } & TaskResult) | ({ ok: false } & TaskFailure);

/**
 * Maps what a call threw to its status: 403 a module the worker's policy refuses, 404 an
 * unknown node type, 422 an engine node or a node that failed (its error named).
 */
export function taskFailure(task: TaskRequest, error: unknown): TaskFailure {
  if (error instanceof ModuleNotAllowedError) {
    return {
      status: 403,
      code: 'module_not_allowed',
      message: `node type "${task.type}": ${error.message}`,
      details: { field: 'type', type: task.type },
    };
  }
  if (error instanceof UnknownNodeTypeError) {
    return {
      status: 404,
      code: 'unknown_node_type',
      message: `node type "${task.type}": ${error.message}`,
      details: { type: task.type },
    };
  }
  if (error instanceof EngineNodeError)
    return {
      status: 422,
      code: 'engine_node',
      message: error.message,
      details: { type: task.type },
    };
  const cause =
    error instanceof Error
      ? { name: error.name, message: error.message }
      : { name: 'Error', message: String(error) };
  return {
    status: 422,
    code: 'node_failed',
    message: `node ${task.nodeId} (${task.type}) failed in epoch ${task.epoch}: ${cause.message}`,
    details: cause,
  };
}

/**
 * A call as its `call NODE` span names it (docs/tracing.md): the task's own ids, the
 * `traceparent` of the span that dispatched it, and this worker as `http:PID`.
 */
function callIdentity(task: TaskRequest): CallIdentity {
  return {
    cid: task.cid,
    nodeId: task.nodeId,
    epoch: task.epoch,
    type: task.type,
    workerId: `http:${process.pid}`,
    traceparent: task.traceparent,
  };
}

/**
 * Runs a batch's calls in their turns on the worker's {@link RunQueue} (in order, a
 * stateful instance's before others) and answers each, in the batch's order.
 */
export function runBatch(
  executor: TaskExecutor,
  queue: RunQueue,
  load: LoadTracker,
  tasks: readonly TaskRequest[],
  signal: AbortSignal,
): Promise<BatchEntry[]> {
  return Promise.all(tasks.map((task) => runTask(executor, queue, load, task, signal)));
}

/**
 * Runs one call in its turn on the worker's {@link RunQueue} and answers it. What a call
 * prints goes to the worker's stderr labelled with its node and epoch (bounded as a queue
 * worker bounds it), never into its answer or its stdout. Traced, each call is a span.
 */
export function runTask(
  executor: TaskExecutor,
  queue: RunQueue,
  load: LoadTracker,
  task: TaskRequest,
  signal: AbortSignal,
): Promise<BatchEntry> {
  return queue.run(async (): Promise<BatchEntry> => {
    const finish = load.start();
    try {
      const output = new CallOutput({
        maxBytes: defaultMaxLogBytes(),
        label: `[node ${task.nodeId} #${task.epoch}]`,
        echo: terminalEcho,
      });
      const result = await traceCall(callIdentity(task), () =>
        captureCall(output, task.type, (enter) => executor.execute(task, signal, enter)),
      ).finally(() => output.close());
      finish(true);
      return { ok: true, ...result };
    } catch (error) {
      finish(false);
      return { ok: false, ...taskFailure(task, error) };
    }
  }, task.instance !== undefined);
}
