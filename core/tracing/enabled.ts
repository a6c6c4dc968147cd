import { type Tracer, trace } from '@opentelemetry/api';

/**
 * Whether this process exports spans: {@link startTracing} turns it on. The instrumented
 * paths (a node call, a dispatched task, an API request) look at it first and, when off,
 * run as if they were not instrumented: not even the API's no-op spans are made, and no
 * trace context is written to a job or a task. (The wrappers are plain functions, not
 * `async` ones, so that untraced they hand back the work's own promise, adding none.) It is process-wide because the tracer
 * provider it stands for is: OpenTelemetry registers one per process by design.
 */
let enabled = false;

/** Whether spans are being exported from this process (see {@link startTracing}). */
export function tracingEnabled(): boolean {
  return enabled;
}

/** Set by {@link startTracing} and its `stop()`; nothing else should. */
export function setTracingEnabled(on: boolean): void {
  enabled = on;
}

/** noob's tracer (the registered provider's, or the API's no-op one). */
export function noobTracer(): Tracer {
  return trace.getTracer('noob');
}
