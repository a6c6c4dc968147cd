import { isBalancingStrategy } from '../runners/http/balancer.ts';
import { HttpRunner } from '../runners/http/runner.ts';
import { ParallelRunner } from '../runners/parallel/runner.ts';
import type { Runner } from '../runners/runner.ts';
import { SyncRunner } from '../runners/sync.ts';
import type { Tube } from '../tube/tube.ts';
import { UsageError } from './usage.ts';

/** What `noob run` says about where node calls run. */
export interface RunnerChoice {
  /** `sync`, `parallel` or `http`. */
  runner: string;
  /** For `http`: worker URLs, comma-separated; for `parallel`: the number of threads. */
  workers?: string | undefined;
  /** For `http`: round-robin, least-loaded, fastest-response or random. */
  balance?: string | undefined;
}

/** Runner names `--runner` accepts. */
export const RUNNER_NAMES = ['sync', 'parallel', 'http'] as const;

/** Makes the runner `noob run` asked for, or a usage error saying what is wrong. */
export function createRunner(tube: Tube, choice: RunnerChoice): Runner {
  switch (choice.runner) {
    case 'sync':
      return new SyncRunner(tube);
    case 'parallel': {
      if (choice.balance !== undefined)
        throw new UsageError(
          '--balance is for --runner http (parallel uses the least busy thread)',
        );
      if (choice.workers === undefined) return new ParallelRunner(tube);
      const workers = Number(choice.workers);
      if (!/^\d+$/.test(choice.workers.trim()) || workers < 1)
        throw new UsageError(
          `--workers: for --runner parallel, a number of threads of at least 1 (got "${choice.workers}")`,
        );
      return new ParallelRunner(tube, { workers });
    }
    case 'http': {
      const workers = (choice.workers ?? '')
        .split(',')
        .map((url) => url.trim())
        .filter(Boolean);
      if (workers.length === 0)
        throw new UsageError(
          '--runner http needs --workers URL[,URL…] (start workers with noob worker --http)',
        );
      for (const url of workers) {
        if (!/^https?:\/\/[^/]+/.test(url))
          throw new UsageError(`--workers: "${url}" is not an http(s) URL`);
      }
      const strategy = choice.balance ?? 'round-robin';
      if (!isBalancingStrategy(strategy)) {
        throw new UsageError(
          `--balance: unknown strategy "${strategy}" (round-robin, least-loaded, fastest-response, random)`,
        );
      }
      return new HttpRunner(tube, { workers, strategy });
    }
    default:
      throw new UsageError(
        `unknown runner "${choice.runner}" (available: ${RUNNER_NAMES.join(', ')})`,
      );
  }
}
