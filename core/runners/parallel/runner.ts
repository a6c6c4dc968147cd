import { availableParallelism } from 'node:os';
import type { Tube } from '../../tube/tube.ts';
import { EngineRunner } from '../engine-runner.ts';
import { ThreadExecutor } from './executor.ts';

/** How the parallel runner uses threads. */
export interface ParallelRunnerOptions {
  /** Worker threads (default: `os.availableParallelism()`, the cores). */
  workers?: number | undefined;
  /** Calls in flight at once within an epoch (default: 2 per thread, so none waits idle). */
  maxInFlight?: number | undefined;
  /**
   * A module path whose `registry` (or default) export is the NodeRegistry the tube was
   * loaded with. Needed only for node types registered programmatically
   * (`createRegistry().register`): the threads load the tube themselves, and see only
   * built-ins, the standard library and user modules otherwise.
   */
  registryModule?: string | undefined;
}

/**
 * The parallel runner: the scheduler stays in this thread and sends ready node calls to a
 * pool of `worker_threads`, where the node modules load. Values cross by structured
 * clone (plain data, typed arrays, Maps, Dates…; class instances arrive as plain objects,
 * functions not at all). The ArrayBuffers that a stateless node returns are transferred,
 * not copied, so such a node must not keep a buffer it returns. Stateful nodes are pinned
 * to one thread each (their state and epoch order hold there); stateless ones run on the
 * least busy thread. One root epoch is in flight at a time; the parallelism is within an
 * epoch, including across a map's sub-epochs.
 *
 * A thread that dies is replaced: its in-flight stateless calls are retried once, and
 * its stateful nodes fail with `StatefulNodeLostError` (their state is gone) until the
 * runner is started again. `deinit()` runs the nodes' deinit hooks in their threads and
 * leaves no thread behind.
 *
 * @example
 * ```ts
 * const runner = new ParallelRunner(await loadTube('tube.yaml'), { workers: 4 });
 * console.log(await runner.run(10));
 * await runner.deinit();
 * ```
 */
export class ParallelRunner extends EngineRunner {
  readonly #executor: ThreadExecutor;

  constructor(tube: Tube, options: ParallelRunnerOptions = {}) {
    const workers = options.workers ?? availableParallelism();
    if (!Number.isInteger(workers) || workers < 1)
      throw new RangeError(`the parallel runner needs at least 1 worker thread (got ${workers})`);
    const executor = new ThreadExecutor({
      threads: workers,
      registryModule: options.registryModule,
    });
    super(tube, { executor, maxInFlight: options.maxInFlight ?? 2 * workers });
    this.#executor = executor;
  }

  /**
   * Ids of the worker threads running now: empty before `init`, and after `deinit` once
   * every thread has exited.
   */
  get threadIds(): number[] {
    return this.#executor.pool?.threadIds ?? [];
  }

  /** Per thread slot: thread id, calls sent, calls in flight. */
  threadStats(): Array<{ slot: number; threadId: number; calls: number; inFlight: number }> {
    return this.#executor.pool?.stats() ?? [];
  }
}
