import type { Event } from '../events.ts';

/**
 * The one interface every runner implements (sync, parallel, http, queued, lambda, p2p).
 * They differ only in where node calls execute; results are the same.
 *
 * Lifecycle: `init()` → any number of `process()` / `iter()` / `run()` → `deinit()`.
 * `process`, `iter` and `run` call `init` themselves when needed.
 */
export interface Runner {
  /** Builds nodes and runner-scoped assets; calls node `init` hooks. */
  init(options?: RunOptions): Promise<void>;
  /**
   * Runs one epoch. `inputs` are the process-scoped inputs. Resolves with what the return
   * node collected (`null` when it got nothing or there is none).
   */
  process(inputs?: Record<string, unknown>, options?: RunOptions): Promise<unknown>;
  /**
   * Yields `n` results (forever when `n` is undefined), calling `process` as many times as
   * it takes to get each non-null one (gathers can make epochs return nothing). Calls
   * `deinit` when done, or when the loop stops early: `iter` owns the run, like a
   * context, so a `for await` that breaks releases nodes and assets (as upstream). The
   * next call starts over (sources from the beginning).
   */
  iter(n?: number, options?: RunOptions): AsyncIterable<unknown>;
  /**
   * Processes `n` epochs and resolves with the non-null results, in order. Stops early,
   * without error, when the tube is exhausted. Leaves the runner started (as upstream):
   * another `run` goes on where this one stopped; `deinit` ends it.
   */
  run(n: number, options?: RunOptions): Promise<unknown[]>;
  /** Calls node `deinit` hooks and releases everything; the runner can `init` again. */
  deinit(): Promise<void>;
  /** Subscribes to what the runner reports; returns the unsubscribe function. */
  on<K extends keyof RunnerEvents>(type: K, listener: RunnerEvents[K]): () => void;
  /** True once every source is exhausted. */
  readonly exhausted: boolean;
}

/** Per-call options. */
export interface RunOptions {
  /** Cancels the call: pending node calls are not started, and nodes see the signal. */
  signal?: AbortSignal | undefined;
}

/** Typed callbacks a runner reports to. */
export interface RunnerEvents {
  /** A node emitted a value on a signal. */
  event: (event: Event) => void;
  /** A root epoch finished: its number and the return value it produced. */
  epoch: (info: { epoch: number; result: unknown }) => void;
  /** Progress of `run(n)`: epochs done out of n. */
  progress: (info: { completed: number; total: number }) => void;
}

/** A small listener registry shared by runners. */
export class RunnerListeners {
  readonly #listeners: { [K in keyof RunnerEvents]: RunnerEvents[K][] } = {
    event: [],
    epoch: [],
    progress: [],
  };

  on<K extends keyof RunnerEvents>(type: K, listener: RunnerEvents[K]): () => void {
    const list = this.#listeners[type] as RunnerEvents[K][];
    list.push(listener);
    return () => {
      const at = list.indexOf(listener);
      if (at >= 0) list.splice(at, 1);
    };
  }

  /** Whether anyone listens for `type` (so runners can skip building events nobody reads). */
  has(type: keyof RunnerEvents): boolean {
    return this.#listeners[type].length > 0;
  }

  emit<K extends keyof RunnerEvents>(type: K, ...args: Parameters<RunnerEvents[K]>): void {
    for (const listener of this.#listeners[type]) (listener as (...a: unknown[]) => void)(...args);
  }
}
