import {
  type Attributes,
  type Context,
  context,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { noobTracer } from './enabled.ts';

/** How a span starts. */
export interface SpanStart {
  name: string;
  kind?: SpanKind;
  attributes?: Attributes;
  /** Its parent (default: the active context). */
  parent?: Context;
}

/**
 * Runs `fn` inside a new span, active for everything `fn` starts (so its own spans and the
 * trace context it stores are children of this one), and ends the span when `fn` settles.
 * A throw marks the span failed, with the error recorded, and is rethrown as it was.
 */
export async function inSpan<T>(start: SpanStart, fn: (span: Span) => Promise<T>): Promise<T> {
  const parent = start.parent ?? context.active();
  const span = noobTracer().startSpan(
    start.name,
    {
      kind: start.kind ?? SpanKind.INTERNAL,
      ...(start.attributes ? { attributes: start.attributes } : {}),
    },
    parent,
  );
  try {
    return await context.with(trace.setSpan(parent, span), () => fn(span));
  } catch (error) {
    failSpan(span, error);
    throw error;
  } finally {
    span.end();
  }
}

/** Marks a span failed by `error` (its name and message as the status, the error as an event). */
export function failSpan(span: Span, error: unknown): void {
  const named = error as { name?: unknown; message?: unknown } | null;
  const message =
    typeof named?.message === 'string' ? named.message : String(error ?? 'unknown error');
  span.recordException(error instanceof Error ? error : message);
  span.setStatus({
    code: SpanStatusCode.ERROR,
    message: typeof named?.name === 'string' ? `${named.name}: ${message}` : message,
  });
}
