import { TaskTooLargeError } from '../../core/queue/errors.ts';
import type { HandedTask } from '../../core/queue/handoff.ts';
import { boundedJson } from '../../core/queue/limits.ts';
import type { LogChunk } from '../../core/queue/task-logs.ts';
import { type TaskExecutor, UnknownNodeTypeError } from './executor.ts';
import { CallOutput, captureCall, type LogEcho } from './output-capture.ts';
import { taskRequest } from './task.ts';

/** What one call of a queue task came to, with what it printed. */
export type CallOutcome =
  | { ok: true; json: string; logs: LogChunk[] }
  | { ok: false; error: unknown; retryable?: false; logs: LogChunk[] };

/** The bounds and echo of a call. */
export interface CallLimits {
  /** Largest result, as JSON, in bytes. */
  maxResultBytes: number;
  /** Most output one call keeps, in bytes (see {@link CallOutput}). */
  maxLogBytes: number;
  /** Where kept output is also shown, labelled (none: only kept). */
  echo?: LogEcho | undefined;
  /** False: run calls without capturing what they print (it goes to the process's streams). */
  capture?: boolean;
}

/** How a queue task's output is labelled where it is echoed: `[job J node add #3]`. */
export function taskLabel(task: Pick<HandedTask, 'jobId' | 'nodeId' | 'epoch'>): string {
  return `[job ${task.jobId} node ${task.nodeId ?? '?'} #${task.epoch ?? '?'}]`;
}

/**
 * Run one queue task's node call, its output captured: its result as JSON (bounded here,
 * where its size can fail this task alone: in a report it would fail the whole batch,
 * again at every round), or its error and whether retrying can help. An input that is
 * not a node call, an unknown type and a result too large are not retried; a node's own
 * error may pass (the queue decides: an UnrecoverableError is not retried either).
 */
export async function runCall(
  executor: TaskExecutor,
  task: HandedTask,
  signal: AbortSignal,
  limits: CallLimits,
): Promise<CallOutcome> {
  const parsed = taskRequest.safeParse(task.input);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`)
      .join('; ');
    const error = new TypeError(`task ${task.cid} is not a node call: ${problems}`);
    return { ok: false, error, retryable: false, logs: [] };
  }
  const output = new CallOutput({
    maxBytes: limits.maxLogBytes,
    label: taskLabel(task),
    echo: limits.echo,
  });
  try {
    const result = await (limits.capture === false
      ? executor.execute(parsed.data, signal)
      : captureCall(output, parsed.data.type, (enter) =>
          executor.execute(parsed.data, signal, enter),
        ));
    const json = boundedJson('result', result, task.nodeId, limits.maxResultBytes);
    return { ok: true, json, logs: output.close() };
  } catch (error) {
    const hopeless = error instanceof UnknownNodeTypeError || error instanceof TaskTooLargeError;
    return { ok: false, error, ...(hopeless ? { retryable: false } : {}), logs: output.close() };
  }
}
