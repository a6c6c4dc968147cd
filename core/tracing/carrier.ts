import { type Context, context, propagation, ROOT_CONTEXT } from '@opentelemetry/api';
import { isTraceParent } from './traceparent.ts';

/**
 * The W3C `traceparent` of `ctx` (default: the active context), to store with a job or a
 * task so that the process that picks it up continues the same trace; undefined when
 * `ctx` holds no span (tracing is off, or nothing is being traced).
 */
export function traceParentOf(ctx: Context = context.active()): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  return carrier.traceparent;
}

/**
 * The context a stored `traceparent` stands for (its span as a remote parent); the root
 * context when there is none or it is malformed, so that a span started in it begins a
 * trace of its own instead of failing the work it describes.
 */
export function contextOfTraceParent(traceparent: string | null | undefined): Context {
  if (!isTraceParent(traceparent)) return ROOT_CONTEXT;
  return propagation.extract(ROOT_CONTEXT, { traceparent });
}
