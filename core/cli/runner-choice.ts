import { WORKER_TOKEN_ENV } from '../../functions/worker/guard.ts';
import { openQueue } from '../queue/open.ts';
import { isBalancingStrategy } from '../runners/http/balancer.ts';
import { HttpRunner } from '../runners/http/runner.ts';
import { ParallelRunner } from '../runners/parallel/runner.ts';
import { QueuedRunner } from '../runners/queued/runner.ts';
import type { Runner } from '../runners/runner.ts';
import { SyncRunner } from '../runners/sync.ts';
import type { Tube } from '../tube/tube.ts';
import { createLambdaRunner, type LambdaChoice } from './lambda-runner-choice.ts';
import { createP2PRunner, type P2PChoice } from './p2p-runner-choice.ts';
import { UsageError } from './usage.ts';
import { hintWaits } from './wait-hint.ts';

/** What `noob run` says about where node calls run. */
export interface RunnerChoice {
  /** `sync`, `parallel` or `http`. */
  runner: string;
  /** For `http`: worker URLs, comma-separated; for `parallel`: the number of threads. */
  workers?: string | undefined;
  /** For `http`: round-robin, least-loaded, fastest-response or random. */
  balance?: string | undefined;
  /** For `queued`: the queue database (default `.noob/noob.db`); for `lambda` (see {@link LambdaChoice}). */
  db?: string | undefined;
  /** For `lambda`: the worker function and its invocations at once (see {@link LambdaChoice}). */
  function?: string | undefined;
  lambdaConcurrency?: string | undefined;
  /** For `p2p`: peers to join through, and the verification (see {@link P2PChoice}). */
  bootstrap?: string | undefined;
  verification?: string | undefined;
}

/** Runner names `--runner` accepts. */
export const RUNNER_NAMES = ['sync', 'parallel', 'http', 'queued', 'lambda', 'p2p'] as const;

/**
 * Makes the runner `noob run` asked for (and what to close after it), or a usage error
 * saying what is wrong.
 */
export async function createRunner(
  tube: Tube,
  choice: RunnerChoice,
): Promise<{ runner: Runner; close(): Promise<void> }> {
  if (choice.runner === 'p2p') return createP2PRunner(tube, choice);
  if (choice.bootstrap !== undefined || choice.verification !== undefined)
    throw new UsageError('--bootstrap and --verification are for --runner p2p');
  if (choice.runner === 'lambda' || choice.runner === 'queued') {
    if (choice.workers !== undefined || choice.balance !== undefined) {
      throw new UsageError(
        `--workers and --balance are not for --runner ${choice.runner} (${choice.runner === 'queued' ? 'start workers with noob worker --db' : 'the worker function runs the calls'})`,
      );
    }
  }
  if (choice.runner === 'lambda') return createLambdaRunner(tube, choice);
  if (choice.function !== undefined || choice.lambdaConcurrency !== undefined)
    throw new UsageError('--function and --lambda-concurrency are for --runner lambda');
  if (choice.runner === 'queued') {
    const queue = await openQueue(choice.db);
    const runner = new QueuedRunner(tube, { queue });
    // With no worker (or none with the tags), say so rather than wait in silence.
    const stop = hintWaits(
      queue.driver,
      () => runner.jobId,
      (line) => process.stderr.write(line),
    );
    return {
      runner,
      close: () => {
        stop();
        return queue.close();
      },
    };
  }
  if (choice.db !== undefined) throw new UsageError('--db is for --runner queued or lambda');
  return { runner: createLocalRunner(tube, choice), close: async () => {} };
}

function createLocalRunner(tube: Tube, choice: RunnerChoice): Runner {
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
      // From the environment, not a flag: a command line is visible to every user's `ps`.
      return new HttpRunner(tube, { workers, strategy, token: process.env[WORKER_TOKEN_ENV] });
    }
    default:
      throw new UsageError(
        `unknown runner "${choice.runner}" (available: ${RUNNER_NAMES.join(', ')})`,
      );
  }
}
