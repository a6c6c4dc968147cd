import type { AdmissibleJob } from '../../core/queue/job-leases.ts';
import type { TubeRunOutcome } from './tube-job.ts';

/** Longest delay a Node timer takes; longer ones fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Calls `then` once `deadlineAt` (ms since the epoch) has passed, however far away it is;
 * returns the function that cancels it. Does not keep the process alive.
 */
export function atDeadline(deadlineAt: number, then: () => void): () => void {
  let timer: NodeJS.Timeout;
  const arm = () => {
    const left = deadlineAt - Date.now();
    if (left <= 0) return then();
    timer = setTimeout(arm, Math.min(left, MAX_TIMER_MS));
    timer.unref();
  };
  arm();
  return () => clearTimeout(timer);
}

/** Whether a run's deadline has passed. */
export function pastDeadline(job: AdmissibleJob, now = Date.now()): boolean {
  return job.deadlineAt !== undefined && job.deadlineAt <= now;
}

/**
 * The outcome of a run that was not done by its deadline (`timeoutMs` on submission):
 * `JobTimeoutError`, saying when it was due and what to do. Recording it fails the job
 * and cancels its tasks (queued ones at once, running ones at their next heartbeat).
 */
export function timedOut(job: AdmissibleJob): TubeRunOutcome {
  const timeoutMs = (job.payload as { timeoutMs?: unknown } | null)?.timeoutMs;
  const due = new Date(job.deadlineAt ?? Date.now()).toISOString();
  return {
    error: {
      code: 'JobTimeoutError',
      message: `job ${job.id} was not done by its deadline (${due}: ${String(timeoutMs)} ms after it was accepted), so it was failed and its tasks cancelled; give it a larger timeoutMs (the server allows up to NOOB_MAX_JOB_TIMEOUT_MS) or fewer epochs`,
      details: { timeoutMs, deadline: due },
    },
  };
}
