import type { Queue } from '../../core/queue/queue.ts';
import { RunCancelledError } from '../../core/runners/errors.ts';

/** How often a run with no tasks in the queue looks whether its job was cancelled (ms). */
const LOOK_MS = 500;

/** A signal that aborts when the job is cancelled; `stop()` ends the looking. */
export interface CancelWatch {
  signal: AbortSignal;
  stop(): void;
}

/**
 * Watches a job whose run makes no tasks in the queue (a run on the peer network): the
 * queued runner learns of a cancellation from its tasks, cancelled with the job, but such
 * a run would go on sending calls to the peers until its end. Aborts with a
 * {@link RunCancelledError} once `DELETE /v1/jobs/:id` (or anything else) cancelled the
 * job, or when `signal` aborts (with its reason). A failed look is tried again at the next.
 */
export function watchCancel(
  queue: Queue,
  tenant: string,
  jobId: string,
  signal: AbortSignal,
): CancelWatch {
  const cancelled = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const look = async () => {
    const job = await queue.getJob(tenant, jobId, { taskResults: false }).catch(() => undefined);
    if (stopped) return;
    if (job?.state === 'cancelled') {
      cancelled.abort(new RunCancelledError(`job ${jobId} was cancelled`));
      return;
    }
    timer = setTimeout(() => void look(), LOOK_MS);
  };
  timer = setTimeout(() => void look(), LOOK_MS);
  return {
    signal: AbortSignal.any([signal, cancelled.signal]),
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
