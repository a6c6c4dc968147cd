import type { QueueContext } from './context.ts';
import { overLimit } from './limits.ts';
import { sql } from './sql.ts';
import { requireId, requireInt } from './validate.ts';

/**
 * Largest epoch result a `job.epoch` event carries itself (JSON bytes). A larger one is
 * referenced: the event says how large it is and where the job's results are read once
 * it finishes (`GET /v1/jobs/:id`), so a stream of many epochs stays small and the
 * events log holds no second copy of a large value.
 */
export const MAX_EPOCH_EVENT_BYTES = 16 * 1024;

/** A root epoch a run finished with a (non-null) result. */
export interface EpochResult {
  epoch: number;
  result: unknown;
}

/**
 * Record that a tube run's coordinator has finished `done` root epochs (0 as it starts the
 * run): the job is running from then on, its `epochsDone` only grows, and each new count
 * is a `job.progress` event. A run whose node calls are all the coordinator's own (stateful
 * nodes make no tasks) shows its progress this way. Each of `finished` (the epochs done
 * since the last record that returned something) becomes a `job.epoch` event with its
 * result, inline up to {@link MAX_EPOCH_EVENT_BYTES}, in the same transaction.
 */
export async function recordEpochs(
  ctx: QueueContext,
  tenant: string,
  jobId: string,
  done: number,
  finished: readonly EpochResult[] = [],
): Promise<void> {
  requireId(jobId, 'jobId');
  requireInt(done, 'epochs done', 0, Number.MAX_SAFE_INTEGER);
  for (const { epoch } of finished) requireInt(epoch, 'epoch', 0, Number.MAX_SAFE_INTEGER);
  const values = { tenant, job_id: jobId, done, now: ctx.clock.now() };
  const epochs = `[${finished.map((one) => epochEventData(jobId, one)).join(',')}]`;
  await ctx.driver.batch([
    ...(finished.length > 0 ? [sql('job_epoch_events', { ...values, epochs })] : []),
    sql('job_epochs_done', values),
    sql('job_progress_event', values),
  ]);
}

/** A `job.epoch` event's data as JSON text: the result, or where to read a large one. */
export function epochEventData(jobId: string, { epoch, result }: EpochResult): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(result ?? null);
  } catch {
    // Too large for one string, or not JSON (the job's outcome will say so): referenced.
  }
  if (text !== undefined && !overLimit(text, MAX_EPOCH_EVENT_BYTES))
    return `{"epoch":${epoch},"result":${text}}`;
  const bytes = text === undefined ? null : Buffer.byteLength(text);
  return JSON.stringify({ epoch, bytes, stored: `/v1/jobs/${jobId}` });
}
