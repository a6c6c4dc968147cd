/** A W3C `traceparent` value: version, trace id, parent span id, flags (lower-case hex). */
const TRACEPARENT = /^[\da-f]{2}-[\da-f]{32}-[\da-f]{16}-[\da-f]{2}$/;

/**
 * Whether `value` is shaped as a W3C `traceparent` header. (Dependency-free, so that the
 * queue can check what it stores without loading OpenTelemetry.)
 */
export function isTraceParent(value: unknown): value is string {
  return typeof value === 'string' && TRACEPARENT.test(value);
}
