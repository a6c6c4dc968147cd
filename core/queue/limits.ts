import { TaskTooLargeError } from './errors.ts';

/**
 * Size checks on what the queue stores: a task's input and a node's result are JSON text
 * in one row, read whole by whoever runs or reads it, so one oversized value must fail its
 * own task with a clear error instead of wedging the process that handles it.
 */

/** UTF-8 size of `text`, counted only when its length alone cannot decide against `limit`. */
export function overLimit(text: string, limit: number): boolean {
  // A UTF-16 unit is 1 to 3 bytes in UTF-8: most texts are decided by their length.
  if (text.length > limit) return true;
  if (text.length * 3 <= limit) return false;
  return Buffer.byteLength(text) > limit;
}

/**
 * `value` as JSON text of at most `limit` bytes, or {@link TaskTooLargeError} naming the
 * node and the limit. A value too large for V8 to make into one string (`RangeError:
 * Invalid string length`) is reported the same way; a value JSON cannot hold (a BigInt, a
 * cycle) throws that TypeError, described with the node.
 */
export function boundedJson(
  what: 'input' | 'result',
  value: unknown,
  nodeId: string | null,
  limit: number,
): string {
  let text: string;
  try {
    text = JSON.stringify(value ?? null);
  } catch (error) {
    if (error instanceof RangeError) {
      throw new TaskTooLargeError(what, nodeId, 'too large to serialize', limit);
    }
    const node = nodeId ? `node ${nodeId}` : 'a task';
    throw new TypeError(
      `the ${what} of ${node} cannot be stored as JSON: ${(error as Error).message}`,
    );
  }
  if (overLimit(text, limit)) {
    throw new TaskTooLargeError(what, nodeId, `${Buffer.byteLength(text)} bytes`, limit);
  }
  return text;
}

/**
 * A limit from the environment (`NOOB_MAX_…`, a whole number > 0), else `fallback`: how an
 * operator sets limits for `noob serve` and every worker process it starts at once. A value
 * that is not a whole number > 0 is an error naming the variable, not silently ignored.
 */
export function envLimit(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new RangeError(
      `${name} must be a whole number greater than 0, got ${JSON.stringify(text)}`,
    );
  }
  return value;
}
