import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { QueueDriver } from '../queue/backend.ts';
import { sql } from '../queue/sql.ts';
import { ATTR_JOB_ID, ATTR_TENANT } from './attributes.ts';
import { contextOfTraceParent } from './carrier.ts';
import { tracingEnabled } from './enabled.ts';
import { inSpan } from './span.ts';

/** What a run of a job comes to: its results, or the error that ended it. */
type RunOutcome = { results: unknown[] } | { error: { code: string; message: string } };

/**
 * Runs a submitted job inside a `run job` span (a consumer) whose parent is the span that
 * submitted it, read from the job's stored `traceparent`: the coordinator's work joins the
 * API request's trace across processes. Everything the run starts (its node calls'
 * `dispatch` spans, the trace context stored with its tasks) is under it. An outcome with
 * an error marks the span failed; a run interrupted (thrown) is recorded as such.
 */
export function traceJobRun<T extends RunOutcome>(
  driver: QueueDriver,
  job: { id: string; tenant: string },
  run: () => Promise<T>,
): Promise<T> {
  return tracingEnabled() ? tracedRun(driver, job, run) : run();
}

async function tracedRun<T extends RunOutcome>(
  driver: QueueDriver,
  job: { id: string; tenant: string },
  run: () => Promise<T>,
): Promise<T> {
  const parent = contextOfTraceParent(await storedTraceParent(driver, job.id));
  const attributes = { [ATTR_JOB_ID]: job.id, [ATTR_TENANT]: job.tenant };
  return inSpan({ name: 'run job', kind: SpanKind.CONSUMER, parent, attributes }, async (span) => {
    const outcome = await run();
    if ('error' in outcome) {
      span.setStatus({
        code: SpanStatusCode.ERROR,
        message: `${outcome.error.code}: ${outcome.error.message}`,
      });
    }
    return outcome;
  });
}

/**
 * The job's stored `traceparent`, or undefined (not traced, or the read failed: the run
 * then starts a trace of its own rather than not running).
 */
async function storedTraceParent(driver: QueueDriver, jobId: string): Promise<string | undefined> {
  try {
    const [result] = await driver.batch(
      [sql('job_traceparent', { job_id: jobId })],
      'read-relaxed',
    );
    const value = result?.rows[0]?.traceparent;
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}
