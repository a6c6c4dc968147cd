/**
 * How the distributed runner chooses a worker for a call. Every strategy picks among the
 * workers whose circuit breaker lets calls through, minus those already tried for this call.
 */
export type BalancingStrategy = 'round-robin' | 'least-loaded' | 'fastest-response' | 'random';

/** What a strategy knows about a worker. */
export interface WorkerStats {
  readonly url: string;
  /** Calls this runner has in flight on it. */
  readonly inFlight: number;
  /** Moving average of its response time in ms (undefined until it has answered once). */
  readonly averageMs: number | undefined;
}

/** Chooses one of `candidates` (never empty). */
export type Picker = (candidates: readonly WorkerStats[]) => WorkerStats;

/** Makes the picker for a strategy. `random` takes a number in [0, 1) source for tests. */
export function createPicker(
  strategy: BalancingStrategy,
  random: () => number = Math.random,
): Picker {
  switch (strategy) {
    case 'round-robin': {
      let next = 0;
      return (candidates) => candidates[next++ % candidates.length]!;
    }
    case 'least-loaded':
      return (candidates) =>
        candidates.reduce((best, worker) => (worker.inFlight < best.inFlight ? worker : best));
    case 'fastest-response':
      // A worker not yet measured goes first, so every worker gets measured.
      return (candidates) =>
        candidates.reduce((best, worker) =>
          (worker.averageMs ?? -1) < (best.averageMs ?? -1) ? worker : best,
        );
    case 'random':
      return (candidates) => candidates[Math.floor(random() * candidates.length)]!;
  }
}

/** Whether `name` is a strategy. */
export function isBalancingStrategy(name: string): name is BalancingStrategy {
  return ['round-robin', 'least-loaded', 'fastest-response', 'random'].includes(name);
}
