import type { QueueDriver } from './backend.ts';
import { parseJson } from './rows.ts';
import { sql } from './sql.ts';
import { workerDeadMs, workerTagSets } from './worker-presence.ts';

/**
 * Why an open job is not moving, in words a user can act on:
 * - `no_workers`: no live worker on the queue at all;
 * - `no_matching_workers`: its tasks need tags no live worker offers (names both);
 * - `no_coordinator`: a tube job no coordinator has taken up yet;
 * - `retry_backoff`: its next task waits for a retry's delay (says when);
 * - `workers_busy`: its tasks are ready, the workers that can run them are busy.
 */
export interface JobWait {
  reason:
    | 'no_workers'
    | 'no_matching_workers'
    | 'no_coordinator'
    | 'retry_backoff'
    | 'workers_busy';
  detail: string;
}

/** How long a tube job may wait for a coordinator before that is called a wait (ms). */
const COORDINATOR_GRACE_MS = 5_000;

/**
 * What the job waits on now, or `null` when it is not waiting (running tasks, finished,
 * or just submitted). Reads only: the job API calls it for `GET /v1/jobs/:id` (as the
 * job's `waiting`), and `noob run --runner queued` to hint at what is missing. The caller
 * checks who may see the job.
 */
export async function explainWait(
  driver: QueueDriver,
  jobId: string,
  now = Date.now(),
): Promise<JobWait | null> {
  const deadMs = workerDeadMs();
  const [[found], offered] = await Promise.all([
    driver.batch([sql('job_wait', { job_id: jobId, now })], 'read-relaxed'),
    workerTagSets(driver, deadMs, now),
  ]);
  const row = found?.rows[0];
  if (!row || Number(row.leased) > 0) return null;
  const payload = (parseJson(row.payload) ?? {}) as { tags?: unknown; runner?: unknown };
  const ready = Number(row.ready);
  const tube = row.kind === 'tube';
  const driven = Boolean(Number(row.coordinated)) || payload.runner === 'local';
  const needed = neededTags(payload.tags, parseJson(row.ready_tags));
  // A tube job no coordinator has started waits for workers too: none starts it without.
  const nextDue = row.next_due === null || row.next_due === undefined ? null : Number(row.next_due);
  // A job run on the peer network (`runner: "p2p"`) needs no worker; its tags are the peers'.
  const onPeers = payload.runner === 'p2p';
  if (!onPeers && (ready > 0 || (tube && !driven && nextDue === null))) {
    if (offered.length === 0) {
      return {
        reason: 'no_workers',
        detail: `no worker is running on this queue (none seen in the last ${deadMs / 1000} s): start one with \`noob worker --db …\` (\`noob serve\` starts them)`,
      };
    }
    const missing = needed.find((tags) => !offered.some((o) => tags.every((t) => o.includes(t))));
    if (missing) {
      return {
        reason: 'no_matching_workers',
        detail: `its tasks need a worker with tags ${missing.join(', ')}; the running workers offer ${offered.map((o) => `[${o.join(', ')}]`).join(', ')}: start one with \`noob worker --tags ${missing.join(',')}\``,
      };
    }
  }
  if (tube && !driven && now - Number(row.created_at) > COORDINATOR_GRACE_MS) {
    return {
      reason: 'no_coordinator',
      detail:
        'no coordinator has taken this tube job up yet: every coordinator is busy with other jobs, or none is running (`noob serve` runs one; `noob coordinator --db …` runs more)',
    };
  }
  if (ready > 0) {
    return {
      reason: 'workers_busy',
      detail: `${ready} of its tasks are ready and wait for a free worker (the workers that can run them are busy)`,
    };
  }
  if (nextDue !== null) {
    return {
      reason: 'retry_backoff',
      detail: `its next task is due at ${new Date(nextDue).toISOString()} (a retry's backoff)`,
    };
  }
  return null;
}

/** The tag sets its tasks need: the job's own, and those of its ready tasks. */
function neededTags(jobTags: unknown, readyTags: unknown): string[][] {
  const sets: string[][] = [];
  const add = (tags: unknown) => {
    if (!Array.isArray(tags)) return;
    const clean = tags.filter((t): t is string => typeof t === 'string');
    if (clean.length > 0) sets.push(clean);
  };
  add(jobTags);
  for (const text of Array.isArray(readyTags) ? readyTags : []) {
    add(typeof text === 'string' ? parseJson(text) : text);
  }
  return sets;
}
