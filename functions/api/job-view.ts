import type { JobView } from '../../core/queue/types.ts';
import { jobProgress, jobTube } from './job-tube.ts';
import type { JobStatus } from './schemas.ts';

/** What a job's API status is made from (a job list reads no more than this). */
export type JobStatusSource = Pick<
  JobView,
  | 'id'
  | 'kind'
  | 'payload'
  | 'state'
  | 'priority'
  | 'progress'
  | 'epochsDone'
  | 'outcome'
  | 'failures'
  | 'createdAt'
  | 'finishedAt'
>;

/**
 * A queued job as the API shows it, saying what it is (its tube) and how far it got (its
 * tasks, and a tube run's epochs). A tube run counts as succeeded only once its
 * coordinator has recorded the results: until then a job whose tasks are all done is
 * still `running`, so a submitted job's `succeeded` always comes with `results`. A job of
 * a developer's own queued run has no coordinator: it ends with its tasks, results null.
 */
export function toJobStatus(job: JobStatusSource): JobStatus {
  const outcome = job.outcome;
  const error = outcome && 'error' in outcome ? outcome.error : null;
  let state = job.state;
  if (error && state !== 'cancelled') state = 'failed';
  else if (state === 'succeeded' && job.kind === 'tube' && !outcome && !runLocally(job.payload))
    state = 'running';
  return {
    id: job.id,
    state,
    priority: job.priority,
    tube: jobTube(job.kind, job.payload),
    progress: jobProgress(job.progress, job.payload, job.epochsDone),
    results: state === 'succeeded' && outcome && 'results' in outcome ? outcome.results : null,
    error: state === 'failed' ? (error ?? taskFailure(job)) : null,
    createdAt: new Date(job.createdAt).toISOString(),
    finishedAt:
      state === 'running' || job.finishedAt === null
        ? null
        : new Date(job.finishedAt).toISOString(),
    // Only a job run on the peer network has one (the coordinator records it); its
    // settlement counts are shown with the job's settlement.
    ...(outcome?.verdict ? { verdict: verdictOf(outcome.verdict) } : {}),
    ...settlementOf(job.payload, outcome?.verdict),
  };
}

/**
 * Whether a developer's own runner drove the job (`noob run --runner queued`, payload
 * `runner: 'local'`): no coordinator records its results (they were printed where it ran),
 * so its tasks' state is the job's.
 */
function runLocally(payload: unknown): boolean {
  return (payload as { runner?: unknown } | null)?.runner === 'local';
}

/** A verdict as the coordinator recorded it, without its settlement counts. */
function verdictOf(verdict: unknown): JobStatus['verdict'] {
  const { settlement: _counts, ...rest } = verdict as Record<string, unknown>;
  return rest as JobStatus['verdict'];
}

/**
 * A settled job's `settlement`: its escrow and reward, and the counts its coordinator
 * recorded with the outcome (null before).
 */
function settlementOf(payload: unknown, verdict: unknown): Pick<JobStatus, 'settlement'> {
  const settlement = (
    payload as { settlement?: { escrow?: unknown; name?: unknown; reward?: unknown } } | null
  )?.settlement;
  if (typeof settlement?.escrow !== 'string' || typeof settlement.reward !== 'string') return {};
  const counts = (verdict as { settlement?: Record<string, unknown> } | undefined)?.settlement;
  const count = (name: string) => (typeof counts?.[name] === 'number' ? counts[name] : null);
  return {
    settlement: {
      escrow: settlement.escrow,
      name: typeof settlement.name === 'string' ? settlement.name : '',
      reward: settlement.reward,
      recordedCalls: count('recordedCalls'),
      unpaidCalls: count('unpaidCalls'),
      unpaidAnswers: count('unpaidAnswers'),
    },
  };
}

/** Whether a job will not change any more. */
export function isFinal(state: JobStatus['state']): boolean {
  return state === 'succeeded' || state === 'failed' || state === 'cancelled';
}

// A job failed by a dead-lettered task before its coordinator recorded why: say which.
function taskFailure(job: JobStatusSource): JobStatus['error'] {
  const [cid, failure] = Object.entries(job.failures)[0] ?? [];
  if (!failure) return { code: 'JobFailed', message: `job ${job.id} failed` };
  return { code: failure.name, message: failure.message, details: { cid, ...failure } };
}
