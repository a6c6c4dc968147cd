import { SpanKind } from '@opentelemetry/api';
import { ATTR_JOB_ID, ATTR_TENANT } from './attributes.ts';
import { traceParentOf } from './carrier.ts';
import { tracingEnabled } from './enabled.ts';
import { inSpan } from './span.ts';

/**
 * Submits a job inside a `submit job` span (a producer: the job is consumed by a
 * coordinator, later and elsewhere) and hands `submit` that span's `traceparent` to store
 * with the job; the job's id becomes an attribute once known. With tracing off, `submit`
 * runs alone and gets undefined.
 */
export function traceSubmit<T extends { jobId: string }>(
  tenant: string,
  submit: (traceparent: string | undefined) => Promise<T>,
): Promise<T> {
  if (!tracingEnabled()) return submit(undefined);
  const start = {
    name: 'submit job',
    kind: SpanKind.PRODUCER,
    attributes: { [ATTR_TENANT]: tenant },
  };
  return inSpan(start, async (span) => {
    const submitted = await submit(traceParentOf());
    span.setAttribute(ATTR_JOB_ID, submitted.jobId);
    return submitted;
  });
}
