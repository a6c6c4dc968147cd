// A namespace import lets a bundler keep only the parts of zod in use (the worker Lambda's
// bundle: about 170 KiB of zod instead of 740, parsed at every cold start).
import * as z from 'zod';

/**
 * `POST /v1/tasks`: one node call to execute. The node is named by its `type` (as in a
 * tube: built-in, `noob.*`, or a module path the worker can import) with its `params`;
 * `inputs` are its slot values. `instance` names the node instance that keeps state
 * between calls (the runner sends the same one for every call of a stateful node, and
 * sends those calls to the same worker).
 */
export const taskRequest = z
  .object({
    cid: z.string().min(1).describe('content address of the task (echoed back)'),
    type: z.string().min(1).describe('node type'),
    params: z.record(z.string(), z.unknown()).default({}),
    inputs: z.record(z.string(), z.unknown()).default({}),
    nodeId: z.string().min(1).default('node'),
    epoch: z.string().min(1).default('0'),
    instance: z
      .string()
      .min(1)
      .optional()
      .describe('key of a stateful instance kept between calls'),
    traceparent: z
      .string()
      .max(128)
      .optional()
      .describe('W3C traceparent of the span that dispatched the call (tracing; docs/tracing.md)'),
  })
  .strict();

/** A parsed task. */
export type TaskRequest = z.infer<typeof taskRequest>;

/** What a finished call gives back: the values of the signals that fired. */
export interface TaskResult {
  cid: string;
  /** Signal name → value, for signals that fired (NoEvent signals are absent). */
  outputs: Record<string, unknown>;
  /** The node is a finished source: it will not produce again. */
  exhausted: boolean;
}
