import type { JobKind, JobProgress } from '../../core/queue/types.ts';
import type { JobStatus } from './schemas.ts';

/**
 * What a job says it is, from its payload: the tube it runs (noob_id and CID) and how many
 * epochs it was asked for. The API's submissions store `noobId` and `tubeCid` (and
 * `epochs`); a job submitted before they did, or by a developer's own queued run (`runner:
 * 'local'`, whose `tube` is the noob_id), still says what it can.
 */
export interface JobPayloadIdentity {
  noobId?: unknown;
  tubeCid?: unknown;
  epochs?: unknown;
  registered?: { id?: unknown } | null;
  runner?: unknown;
  tube?: unknown;
}

/** The tube a job runs, or null for a plain set of tasks. */
export function jobTube(kind: JobKind, payload: unknown): JobStatus['tube'] {
  if (kind !== 'tube') return null;
  const p = (payload ?? {}) as JobPayloadIdentity;
  const noobId =
    text(p.noobId) ?? text(p.registered?.id) ?? (p.runner === 'local' ? text(p.tube) : null);
  return { noobId, cid: text(p.tubeCid) };
}

/**
 * A job's progress: its tasks' counts and, for a tube run, its root epochs (`total` the
 * epochs asked for, known from the start; `done` as its coordinator counts them). A run
 * whose nodes are all stateful makes no tasks, so the epochs are its progress.
 */
export function jobProgress(
  progress: JobProgress,
  payload: unknown,
  epochsDone: number,
): JobStatus['progress'] {
  const epochs = (payload as JobPayloadIdentity | null)?.epochs;
  const total = typeof epochs === 'number' && Number.isSafeInteger(epochs) ? epochs : null;
  return {
    ...progress,
    epochs: { total, done: total === null ? epochsDone : Math.min(total, epochsDone) },
  };
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}
