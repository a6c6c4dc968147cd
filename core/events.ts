import type { Epoch } from './epoch.ts';

/**
 * "Did not fire": a node returns `NoEvent` (for one signal, or as a whole) to say it emitted
 * nothing this epoch. Distinct from `null`, which is a value like any other. Nodes that
 * need a signal with no event do not run (required slots) or run without it (optional).
 */
export const NoEvent: unique symbol = Symbol.for('noob.NoEvent');
/** The type of {@link NoEvent}. */
export type NoEvent = typeof NoEvent;

/**
 * "Will never fire again": what a finished source (a generator that returned) emits. Its
 * dependents stop for good, and a tube whose sources are all exhausted is exhausted.
 */
export const Exhausted: unique symbol = Symbol.for('noob.Exhausted');
/** The type of {@link Exhausted}. */
export type Exhausted = typeof Exhausted;

/** One value emitted by one node on one signal in one epoch. */
export interface Event<T = unknown> {
  /** Unique within a runner. */
  id: number;
  /** When the runner received the value (milliseconds since the Unix epoch). */
  timestamp: number;
  /** The node that emitted it. */
  nodeId: string;
  /** The node's signal it was emitted on (`value` unless the node names others). */
  signal: string;
  /** The epoch it belongs to. */
  epoch: Epoch;
  /** The value itself. */
  value: T;
}

/** True when `value` is the {@link NoEvent} marker. */
export function isNoEvent(value: unknown): value is NoEvent {
  return value === NoEvent;
}
