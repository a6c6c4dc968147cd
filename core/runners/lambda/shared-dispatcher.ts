import { LambdaDispatcher, type LambdaDispatcherOptions } from './dispatcher.ts';

/** What a lambda runner's executor tells about its work (a {@link LambdaDispatcher} is one). */
export interface Dispatch {
  /** How many of its calls are outstanding now. */
  demand(outstanding: number): void;
  /** Its run starts (again). */
  start(): void;
  /** Its run is over. */
  stop(): Promise<void>;
}

/**
 * One dispatcher for all the runs of a coordinator: each run's outstanding calls are
 * summed, so the worker function's concurrency is shared by the runs instead of given
 * to each of them (16 runs with a limit of 50 would otherwise keep up to 800 invocations
 * going, most of them waiting in Lambda's queue). The invoked workers claim by priority
 * in the queue, whichever run's calls they find.
 *
 * @example
 * ```ts
 * const shared = new SharedDispatcher({ client, functionName: 'noob-worker', concurrency: 50 });
 * const runner = new LambdaRunner(tube, { queue, dispatch: shared.forRun() });
 * ```
 */
export class SharedDispatcher {
  readonly #dispatcher: LambdaDispatcher;
  readonly #demands = new Map<symbol, number>();

  constructor(options: LambdaDispatcherOptions) {
    this.#dispatcher = new LambdaDispatcher(options);
  }

  /** What the shared dispatcher has done (invokes, throttles, failures). */
  get stats(): LambdaDispatcher['stats'] {
    return this.#dispatcher.stats;
  }

  /** A run's share: its demand counts toward the sum until its run stops. */
  forRun(): Dispatch {
    const run = Symbol('run');
    return {
      demand: (outstanding) => {
        this.#demands.set(run, outstanding);
        this.#dispatcher.demand(this.#total());
      },
      start: () => this.#dispatcher.start(),
      stop: async () => {
        this.#demands.delete(run);
        this.#dispatcher.demand(this.#total());
      },
    };
  }

  /** Stop invoking for good (the coordinator is stopping). */
  stop(): Promise<void> {
    return this.#dispatcher.stop();
  }

  #total(): number {
    let total = 0;
    for (const outstanding of this.#demands.values()) total += outstanding;
    return total;
  }
}
