import type { Tube } from '../../tube/tube.ts';
import { EngineRunner } from '../engine-runner.ts';
import type { BalancingStrategy } from './balancer.ts';
import type { BatchTransport } from './batch-channel.ts';
import type { BreakerOptions } from './breaker.ts';
import { HttpExecutor } from './executor.ts';
import { HttpWorkerPool } from './pool.ts';

/** How the distributed runner reaches its workers. */
export interface HttpRunnerOptions {
  /** Worker base URLs, e.g. `http://127.0.0.1:9001` (start them with `noob worker --http`). */
  workers: readonly string[];
  /**
   * The workers' shared token: `noob worker --http` prints the one it made, or takes
   * `--token` / `NOOB_WORKER_TOKEN`. Sent as `Authorization: Bearer TOKEN`.
   */
  token?: string | undefined;
  /** Default `round-robin`. */
  strategy?: BalancingStrategy;
  breaker?: BreakerOptions;
  /** Per-request timeout in ms (a request carries a batch of calls; default 30 s). */
  timeoutMs?: number;
  /**
   * How batches travel: `stream` (default), one connection held open per worker, framed
   * both ways; `requests`, one `POST /v1/batch` each, for a proxy that does not pass
   * HTTP upgrades.
   */
  transport?: BatchTransport;
  /**
   * Calls in flight at once (default: 16 per worker). The calls ready together for one
   * worker travel in one request, so a high limit makes few, full requests.
   */
  maxInFlight?: number;
}

/**
 * The distributed runner: node calls run on `noob worker --http` processes, chosen by a
 * load-balancing strategy, each worker behind a circuit breaker; a call that fails
 * because of its worker (5xx, timeout, connection lost) is retried on another worker.
 * A node with state (a generator, a class, a `stateful` node) has one instance, placed on
 * one worker when the run starts; if that worker is lost, the call fails rather than
 * silently restarting the node's state. Nodes that take a live object (an asset, or what
 * a node that takes one emits) run in this process. The ready calls of a worker travel
 * together as one batch, on a connection held open to it (its call stream).
 *
 * @example
 * ```ts
 * const runner = new HttpRunner(tube, { workers: ['http://127.0.0.1:9001', 'http://127.0.0.1:9002'], token, strategy: 'least-loaded' });
 * await runner.run(10);
 * ```
 */
export class HttpRunner extends EngineRunner {
  /** The pool, for its per-worker statistics. */
  readonly pool: HttpWorkerPool;

  constructor(tube: Tube, options: HttpRunnerOptions) {
    const pool = new HttpWorkerPool({
      workers: options.workers,
      token: options.token,
      strategy: options.strategy,
      breaker: options.breaker,
      timeoutMs: options.timeoutMs,
      transport: options.transport,
    });
    super(tube, {
      executor: new HttpExecutor(pool),
      maxInFlight: options.maxInFlight ?? 16 * options.workers.length,
    });
    this.pool = pool;
  }
}
