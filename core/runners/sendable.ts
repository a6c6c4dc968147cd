import { NoobError } from '../errors.ts';
import type { PlanNode } from './plan.ts';

/**
 * A value that must cross to another thread or process cannot: a function, an iterator, a
 * class instance with methods… (a live object). Names the node and the slot or signal.
 * The plan keeps the nodes that take assets, and those downstream, in the runner's
 * process; this is what is left: a live object that a node made itself.
 */
export class LiveObjectError extends NoobError {
  override name = 'LiveObjectError' as const;
  readonly nodeId: string;

  constructor(nodeId: string, message: string) {
    super(message, {
      details:
        'Values between nodes that run in different places must be plain data. Hand live objects over as an asset (nodes that take one run where it lives), or keep their producer and consumers in one node.',
    });
    this.nodeId = nodeId;
  }
}

/** How a value crosses: as JSON (HTTP workers, the queue) or by structured clone (threads). */
export type Crossing = 'json' | 'clone';

/** Objects a structured clone copies faithfully (their contents are checked too). */
const CLONEABLE = [Date, RegExp, Map, Set, ArrayBuffer] as const;
/** Most objects one check looks into before it trusts the rest (bounds the walk). */
const MAX_VISITS = 100_000;

/**
 * Why `value` cannot cross as `crossing`, or undefined when it can: the first live part
 * and where it is (`a function at .next`). Plain data passes; so does anything past the
 * first {@link MAX_VISITS} objects (a huge value is data, not a live object, in practice).
 */
export function whyUnsendable(value: unknown, crossing: Crossing): string | undefined {
  const seen = new Set<object>();
  /** Objects on the path from the root to the item visited (a cycle JSON cannot hold). */
  const onPath = new Set<object>();
  // Depth first; an `exit` entry takes its object off the path once its contents are done.
  const stack: Array<{ item: unknown; path: string; exit?: boolean }> = [{ item: value, path: '' }];
  for (let visits = 0; stack.length > 0 && visits < MAX_VISITS; visits++) {
    const { item, path, exit } = stack.pop()!;
    if (exit) {
      onPath.delete(item as object);
      continue;
    }
    const problem = liveness(item, crossing);
    if (problem) return path ? `${problem} at ${path}` : problem;
    if (item === null || typeof item !== 'object') continue;
    if (crossing === 'json' && onPath.has(item))
      return `a cycle (JSON cannot hold one) at ${path || '(the value)'}`;
    if (seen.has(item)) continue;
    seen.add(item);
    onPath.add(item);
    stack.push({ item, path, exit: true });
    if (item instanceof Map) {
      for (const [key, entry] of item)
        stack.push({ item: key, path: `${path}<key>` }, { item: entry, path: `${path}.get()` });
    } else if (item instanceof Set) {
      for (const entry of item) stack.push({ item: entry, path: `${path}<item>` });
    } else if (!ArrayBuffer.isView(item) && !(item instanceof ArrayBuffer)) {
      for (const key of Object.keys(item)) {
        const at = Array.isArray(item) ? `${path}[${key}]` : `${path}.${key}`;
        stack.push({ item: (item as Record<string, unknown>)[key], path: at });
      }
    }
  }
  return undefined;
}

/** What is live about `item` itself (not its contents), or undefined. */
function liveness(item: unknown, crossing: Crossing): string | undefined {
  switch (typeof item) {
    case 'function':
      return 'a function';
    case 'symbol':
      return 'a symbol';
    case 'bigint':
      return crossing === 'json' ? 'a bigint (JSON has none)' : undefined;
    case 'object': {
      if (item === null || Array.isArray(item)) return undefined;
      const prototype = Object.getPrototypeOf(item);
      if (prototype === Object.prototype || prototype === null) return undefined;
      if (
        crossing === 'clone' &&
        (CLONEABLE.some((c) => item instanceof c) || ArrayBuffer.isView(item))
      )
        return undefined;
      if (typeof (item as Iterator<unknown>).next === 'function') return 'an iterator';
      const name = prototype?.constructor?.name;
      return name ? `an instance of ${name}` : 'an object with a prototype';
    }
    default:
      return undefined;
  }
}

/**
 * Checks what a node emitted before it is sent back from where it ran: throws
 * {@link LiveObjectError} naming the node and the signal.
 */
export function checkSendableOutputs(
  nodeId: string,
  outputs: Iterable<readonly [signal: string, value: unknown]>,
  crossing: Crossing,
  where: string,
): void {
  for (const [signal, value] of outputs) {
    const why = whyUnsendable(value, crossing);
    if (why)
      throw new LiveObjectError(
        nodeId,
        `node ${nodeId} emitted a live object on signal ${signal}: ${why}; it cannot be sent back from ${where}`,
      );
  }
}

/**
 * Checks the inputs of a call that is about to be sent elsewhere, before it is: throws
 * {@link LiveObjectError} naming the node, the slot and the signal it came from.
 */
export function checkSendableInputs(
  node: PlanNode,
  inputs: Record<string, unknown>,
  crossing: Crossing,
  where: string,
): void {
  for (const [slot, value] of Object.entries(inputs)) {
    const kind = typeof value;
    if (value === null || kind === 'number' || kind === 'string' || kind === 'boolean') continue;
    const why = whyUnsendable(value, crossing);
    if (!why) continue;
    const source = node.node.bindings.find((binding) => binding.slot === slot)?.source;
    const from = source?.kind === 'node' ? ` (from signal ${source.nodeId}.${source.signal})` : '';
    throw new LiveObjectError(
      node.id,
      `node ${node.id} takes a live object on slot ${slot}${from}: ${why}; it cannot be sent to ${where}`,
    );
  }
}
