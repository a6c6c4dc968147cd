import type { Tube } from '../../tube/tube.ts';
import { EngineRunner } from '../engine-runner.ts';
import type { BalancingStrategy } from './balancer.ts';
import type { BreakerOptions } from './breaker.ts';
import { HttpExecutor } from './executor.ts';
import { HttpWorkerPool } from './pool.ts';

/** How the distributed runner reaches its workers. */
export interface HttpRunnerOptions {
  /** Worker base URLs, e.g. `http://127.0.0.1:9001` (start them with `noob worker --http`). */
  workers: readonly string[];
  /** Default `round-robin`. */
  strategy?: BalancingStrategy;
  breaker?: BreakerOptions;
  /** Per-call timeout in ms (default 30 s). */
  timeoutMs?: number;
  /** Calls in flight at once within an epoch (default: 4 per worker). */
  maxInFlight?: number;
}

/**
 * The distributed runner: node calls run on `noob worker --http` processes, chosen by a
 * load-balancing strategy, each worker behind a circuit breaker; a call that fails
 * because of its worker (5xx, timeout, connection lost) is retried on another worker.
 * Calls of stateful nodes stick to one worker (their state lives there); if that worker
 * is lost, the call fails rather than silently restarting the node's state.
 *
 * @example
 * ```ts
 * const runner = new HttpRunner(tube, { workers: ['http://127.0.0.1:9001', 'http://127.0.0.1:9002'], strategy: 'least-loaded' });
 * await runner.run(10);
 * ```
 */
export class HttpRunner extends EngineRunner {
  /** The pool, for its per-worker statistics. */
  readonly pool: HttpWorkerPool;

  constructor(tube: Tube, options: HttpRunnerOptions) {
    const pool = new HttpWorkerPool({
      workers: options.workers,
      strategy: options.strategy,
      breaker: options.breaker,
      timeoutMs: options.timeoutMs,
    });
    super(tube, {
      executor: new HttpExecutor(pool),
      maxInFlight: options.maxInFlight ?? 4 * options.workers.length,
    });
    this.pool = pool;
  }
}
