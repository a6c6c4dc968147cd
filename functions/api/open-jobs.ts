import type { Queue } from '../../core/queue/queue.ts';

/** How long a tenant's counted open jobs stand in for a new count (ms). */
export const OPEN_JOBS_FRESH_MS = 100;

/** Most tenants whose counts are kept; past it, those too old to be used are dropped. */
const MAX_TENANTS = 1_000;

interface Counted {
  /** Open jobs when last counted, plus those admitted here since the count began. */
  open: number;
  /** When the count began (`performance.now()`). */
  countedAt: number;
  /** The count under way, shared by the requests that need it meanwhile. */
  counting?: Promise<void>;
  /**
   * Admitted here and not yet {@link OpenJobsQuota.settled}: maybe not committed yet (a
   * writer thread commits them a moment later), so a count may miss them.
   */
  inFlight: number;
}

/**
 * The per-tenant open-jobs quota of one job API process, without a count on every
 * submission: counting a tenant's open jobs reads one index entry per job (about 2 ms at
 * 30,000), and it was most of what a submission cost a tenant with a large quota.
 *
 * A tenant's open jobs are counted at most every {@link OPEN_JOBS_FRESH_MS}; meanwhile
 * each submission admitted here adds one to the count. Jobs that finish meanwhile are
 * not subtracted, so the estimate only errs high, and a submission the estimate would
 * refuse is counted again first: a 429 always comes from a count made for it, and a job
 * that finished frees its place at once. What the estimate misses is other processes'
 * submissions (another API on the same database) for up to that long: like two
 * submissions at the same moment, they may pass the quota together. The quota is a bound
 * on load, not an exact count.
 */
export class OpenJobsQuota {
  readonly #queue: Queue;
  readonly #counted = new Map<string, Counted>();

  constructor(queue: Queue) {
    this.#queue = queue;
  }

  /**
   * Whether `tenant` may have one more open job under `limit`; when it may, that job is
   * counted as open from now on (call it right before submitting).
   */
  async admit(tenant: string, limit: number): Promise<boolean> {
    let counted = this.#counted.get(tenant);
    if (!counted || !isFresh(counted) || counted.open >= limit) {
      counted = await this.#count(tenant);
    }
    if (counted.open >= limit) return false;
    counted.open++;
    counted.inFlight++;
    return true;
  }

  /** The submission `admit` let through for `tenant` was committed, or failed. */
  settled(tenant: string): void {
    const counted = this.#counted.get(tenant);
    if (counted && counted.inFlight > 0) counted.inFlight--;
  }

  /**
   * Count the tenant's open jobs now, or join the count under way; rejects with the
   * queue's error when the count fails (nothing is then fresh: the next one counts again).
   */
  async #count(tenant: string): Promise<Counted> {
    let counted = this.#counted.get(tenant);
    if (!counted) {
      counted = { open: 0, countedAt: Number.NEGATIVE_INFINITY, inFlight: 0 };
      this.#remember(tenant, counted);
    }
    const entry = counted;
    entry.counting ??= this.#recount(tenant, entry).finally(() => {
      delete entry.counting;
    });
    await entry.counting;
    return entry;
  }

  async #recount(tenant: string, counted: Counted): Promise<void> {
    const startedAt = performance.now();
    const admittedBefore = counted.open;
    // Admitted but not committed when the count began: not in it (a writer thread commits
    // them a moment later). Those committed meanwhile are counted twice: errs high.
    const inFlight = counted.inFlight;
    const open = await this.#queue.openJobCount(tenant);
    // Admissions made while counting may or may not be in the count: kept on top of it
    // (an estimate that errs high).
    counted.open = open + inFlight + Math.max(0, counted.open - admittedBefore);
    counted.countedAt = startedAt;
  }

  #remember(tenant: string, counted: Counted): void {
    if (this.#counted.size >= MAX_TENANTS) {
      for (const [name, old] of this.#counted) {
        if (!isFresh(old) && !old.counting && old.inFlight === 0) this.#counted.delete(name);
      }
    }
    this.#counted.set(tenant, counted);
  }
}

function isFresh(counted: Counted): boolean {
  return performance.now() - counted.countedAt <= OPEN_JOBS_FRESH_MS;
}

// One quota per queue object: every app and route of this process submitting through it
// (POST /v1/jobs, a re-run) adds to the same estimate. Weak, so a closed queue's goes too.
const quotas = new WeakMap<Queue, OpenJobsQuota>();

/** The {@link OpenJobsQuota} of `queue` in this process. */
export function openJobsQuota(queue: Queue): OpenJobsQuota {
  let quota = quotas.get(queue);
  if (!quota) {
    quota = new OpenJobsQuota(queue);
    quotas.set(queue, quota);
  }
  return quota;
}
