import type { SqlResult } from './backend.ts';
import { claimedTasks, claimStatements } from './claim.ts';
import type { QueueContext } from './context.ts';
import type { GroupRider } from './group-commit.ts';
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
}

/**
 * The offers of a queue object's idle workers, and the claims they add to a group of
 * submissions (see Queue.offer): the task the next submission stores can go straight to
 * a worker in that same transaction, which starts it at commit.
 */
export class ClaimOffers {
  readonly #ctx: QueueContext;
  readonly #offers = new Set<ClaimOffer>();

  constructor(ctx: QueueContext) {
    this.#ctx = ctx;
  }

  /** Register an offer; returns the function that withdraws it. */
  add(offer: ClaimOffer): () => void {
    // A bad request fails here, not in somebody's submission.
    claimStatements(this.#ctx, offer.request);
    this.#offers.add(offer);
    return () => {
      this.#offers.delete(offer);
    };
  }

  /** The claims of the current offers, to ride along with a group of submissions. */
  rider(): GroupRider | undefined {
    if (this.#offers.size === 0) return undefined;
    const offers = [...this.#offers];
    const claims = offers.map((offer) => claimStatements(this.#ctx, offer.request));
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
    try {
      offer.deliver(tasks);
    } catch (error) {
      // A worker's bug: its tasks come back when their leases expire.
      process.emitWarning(error as Error);
    }
  }
}
