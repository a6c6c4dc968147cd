import type { CommitCounts, SqlResult } from './backend.ts';
import { type CheckedClaim, checkClaim, claimedTasks, claimStatementsFor } from './claim.ts';
import type { QueueContext } from './context.ts';
import type { GroupRider } from './group-commit.ts';
import { type HandOff, type HandOffTaker, type IdleMark, planHandOff } from './handoff.ts';
import type { PreparedSubmission } from './submit.ts';
import { tell } from './tell.ts';
import type { ClaimedTask, ClaimRequest } from './types.ts';

/**
 * An idle worker of this process, waiting for work (see {@link Queue.offer}): the next
 * submission's transaction claims for it, and `deliver` gets what that claim took.
 */
export interface ClaimOffer {
  /** The claim to make: the worker, its tags, how many tasks at most, the lease. */
  request: ClaimRequest;
  /**
   * Called when a submission's transaction commits, with the tasks leased to this worker
   * (possibly none); before the submission is durable, as with any claim. Must not throw.
   */
  deliver(tasks: ClaimedTask[]): void;
  /**
   * What the worker knew when it last found nothing ready for it, or undefined when it
   * cannot take tasks before they are stored (stopping). With {@link start}, lets a
   * submission hand it tasks at once (see handoff.ts).
   */
  idle?(): IdleMark | undefined;
  /** Start tasks handed over before they are stored (see {@link HandOff}). Must not throw. */
  start?(handOff: HandOff): void;
}

/** The queue's own count of commits now, or undefined when it cannot count them all. */
type CommitCount = () => CommitCounts | undefined;

/**
 * The offers of a queue object's idle workers, and the claims they add to a group of
 * submissions (see Queue.offer): the task the next submission stores can go straight to
 * a worker in that same transaction, which starts it at commit.
 */
export class ClaimOffers {
  readonly #ctx: QueueContext;
  readonly #commits: CommitCount;
  // Each offer with the claim it stands for, checked, and as the taker of a hand-off.
  readonly #offers = new Map<ClaimOffer, { claim: CheckedClaim; taker: HandOffTaker }>();
  // The shortest lease a hand-off has made: a look older than that may not know of one
  // that has expired since.
  #shortestHandedLeaseMs = Number.POSITIVE_INFINITY;

  constructor(ctx: QueueContext, commits: CommitCount) {
    this.#ctx = ctx;
    this.#commits = commits;
  }

  /** Register an offer; returns the function that withdraws it. */
  add(offer: ClaimOffer): () => void {
    // A bad request fails here, not in somebody's submission.
    const claim = checkClaim(this.#ctx, offer.request);
    this.#offers.set(offer, { claim, taker: { ...claim, tags: new Set(claim.tags) } });
    return () => {
      this.#offers.delete(offer);
    };
  }

  /**
   * Hand `submission`'s ready tasks to the idle offers that can surely take them now (see
   * handoff.ts), which start them at once; returns the submission to commit, rewritten to
   * store those tasks leased to them. Call only when no other submission of this process
   * is waiting for its commit.
   */
  handOff(submission: PreparedSubmission): PreparedSubmission {
    // The offers whose look still holds, by taker. The counts are read (a statement) only
    // once an offer has a look to check.
    const idle = new Map<HandOffTaker, ClaimOffer>();
    let now: ReturnType<CommitCount> | null = null;
    const time = this.#ctx.clock.now();
    for (const [offer, { taker }] of this.#offers) {
      const mark = offer.start && offer.idle?.();
      if (!mark) continue;
      now ??= this.#now();
      const holds =
        now !== undefined &&
        mark.own === now.own &&
        mark.others === now.others &&
        time < mark.until &&
        time < mark.at + this.#shortestHandedLeaseMs;
      if (holds) idle.set(taker, offer);
    }
    if (idle.size === 0) return submission;
    const plan = planHandOff(this.#ctx, submission, [...idle.keys()]);
    if (!plan) return submission;
    const starts = plan.handOffs.map(({ taker, handOff }) => {
      const offer = idle.get(taker)!;
      // Used up, as an offer that got tasks at commit is; all of them before any starts
      // (a start that submits again must not be handed to one of these twice).
      this.#offers.delete(offer);
      this.#shortestHandedLeaseMs = Math.min(this.#shortestHandedLeaseMs, taker.leaseMs);
      return () => offer.start!(handOff);
    });
    // A worker's bug (a throw) leaves its tasks stored leased to it: they come back when
    // the lease expires.
    for (const start of starts) tell(start);
    return plan.submission;
  }

  /** The commit counts now; undefined when they cannot be read (no hand-off then). */
  #now(): ReturnType<CommitCount> {
    try {
      return this.#commits();
    } catch {
      return undefined;
    }
  }

  /** The claims of the current offers, to ride along with a group of submissions. */
  rider(): GroupRider | undefined {
    if (this.#offers.size === 0) return undefined;
    const offers = [...this.#offers.keys()];
    const claims = [...this.#offers.values()].map(({ claim }) =>
      claimStatementsFor(this.#ctx, claim),
    );
    return {
      statements: claims.flat(),
      committed: (results) => {
        let offset = 0;
        offers.forEach((offer, i) => {
          const count = claims[i]!.length;
          this.#deal(offer, results.slice(offset, offset + count));
          offset += count;
        });
      },
      // The claimed_tasks read alone finds each claim's tasks again (by its mark).
      readBack: claims.map((claim) => claim.at(-1)!),
      recovered: (results) => {
        offers.forEach((offer, i) => {
          this.#deal(offer, [results[i]!]);
        });
      },
    };
  }

  /** Hand an offer what its claim took (results ending with its claimed_tasks read). */
  #deal(offer: ClaimOffer, results: SqlResult[]): void {
    const tasks = claimedTasks(this.#ctx, results);
    if (tasks.length > 0) this.#offers.delete(offer);
    // A worker's bug (a throw): its tasks come back when their leases expire.
    tell(() => offer.deliver(tasks));
  }
}
