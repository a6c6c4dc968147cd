import { NoEvent } from '../../events.ts';
import type { NodeContext } from '../../node/define.ts';
import type { RemoteExecutor } from '../engine-runner.ts';
import type { ExecutionPlan, PlanNode } from '../plan.ts';
import { EXHAUSTED } from '../scheduler.ts';
import { checkSendableInputs } from '../sendable.ts';
import { StatefulNodeLostError, WorkerThreadExitedError } from './errors.ts';
import { isPinned, placeNodes } from './placement.ts';
import { type ThreadCallResult, ThreadPool } from './pool.ts';
import type { WorkerSetup } from './protocol.ts';

/** Node kinds worker threads run; the engine keeps map, gather, return and nested tubes. */
const THREAD_KINDS = new Set(['function', 'generator', 'class']);

/** How a {@link ThreadExecutor} runs its threads. */
export interface ThreadExecutorOptions {
  /** Number of worker threads. */
  threads: number;
  /** A module exporting the NodeRegistry (`registry` or default) the threads load the tube with. */
  registryModule?: string | undefined;
}

/**
 * Runs node calls on a pool of worker threads. Which calls go there: functions, generators
 * and classes that use no asset. The main thread keeps map, gather and return (they only
 * move values between epochs and must see every sub-epoch), nested tubes (they have
 * their own scheduler) and nodes that take assets (an asset is a live object shared by
 * the nodes of a run, which cannot be shared across threads).
 *
 * Placement: a stateful node (class, generator, or `stateful: true`) lives on one fixed
 * thread, which alone instantiates it; a stateless node runs on the least busy thread.
 *
 * When a thread dies, its replacement starts in the same slot, and:
 * - a stateless call that was in flight on it is retried once, on the least busy thread;
 *   if that fails too, the call fails;
 * - every stateful node pinned to it has lost its state: its in-flight call and every
 *   later call fail with {@link StatefulNodeLostError} (failing the epoch) until the
 *   runner is `deinit`ed and `init`ed again. State is never silently restarted.
 */
export class ThreadExecutor implements RemoteExecutor {
  readonly #options: ThreadExecutorOptions;
  #pool: ThreadPool | undefined;
  #closedPool: ThreadPool | undefined;
  #slots: Int32Array = new Int32Array();
  #lost = new Set<number>();
  #plan: ExecutionPlan | undefined;

  constructor(options: ThreadExecutorOptions) {
    this.#options = options;
  }

  handles(node: PlanNode): boolean {
    return THREAD_KINDS.has(node.kind) && !node.takesLive;
  }

  /** The running pool, else the last one (closed, so its threads have exited). */
  get pool(): ThreadPool | undefined {
    return this.#pool ?? this.#closedPool;
  }

  async init(plan: ExecutionPlan): Promise<void> {
    this.#plan = plan;
    this.#lost = new Set();
    this.#slots = placeNodes(plan, this.#options.threads, (node) => this.handles(node));
    const tube = plan.tube;
    const pinned = plan.nodes.filter((n) => this.#slots[n.index]! >= 0).map((n) => n.index);
    const setup = (slot: number): WorkerSetup => ({
      tube: {
        spec: tube.spec,
        file: tube.file,
        directory: tube.directory,
        searchPaths: tube.searchPaths,
        input: tube.input,
      },
      nodeIds: plan.nodes.map((node) => node.id),
      owned: pinned.filter((index) => this.#slots[index] === slot && !this.#lost.has(index)),
      pinned,
      registryModule: this.#options.registryModule,
    });
    const pool = new ThreadPool({
      size: this.#options.threads,
      setup,
      onThreadLost: (slot) => {
        for (const index of pinned) if (this.#slots[index] === slot) this.#lost.add(index);
      },
    });
    this.#pool = pool;
    try {
      await pool.start();
    } catch (error) {
      this.#pool = undefined;
      await pool.close().catch(() => {});
      throw error;
    }
  }

  async close(): Promise<void> {
    const pool = this.#pool;
    this.#pool = undefined;
    this.#closedPool = pool;
    await pool?.close();
  }

  async execute(
    node: PlanNode,
    inputs: Record<string, unknown>,
    context: NodeContext,
  ): Promise<readonly unknown[] | typeof EXHAUSTED> {
    const pool = this.#pool;
    if (!pool || this.#plan === undefined)
      throw new Error(
        'the parallel runner has no running threads (its init failed or it was deinit): call deinit() and init() again',
      );
    checkSendableInputs(node, inputs, 'clone', 'a worker thread');
    const epoch = String(context.epoch);
    const slot = this.#slots[node.index]!;
    if (isPinned(node) && slot >= 0) {
      if (this.#lost.has(node.index)) throw lostError(node, epoch);
      try {
        return toOutputs(await pool.call(slot, node.index, epoch, inputs, context.signal));
      } catch (error) {
        if (error instanceof WorkerThreadExitedError) throw lostError(node, epoch, error);
        throw error;
      }
    }
    for (let attempt = 0; ; attempt++) {
      const free = pool.leastBusy();
      if (free < 0) throw new Error('every worker thread of the parallel runner has failed');
      try {
        return toOutputs(await pool.call(free, node.index, epoch, inputs, context.signal));
      } catch (error) {
        if (!(error instanceof WorkerThreadExitedError) || attempt >= 1) throw error;
      }
    }
  }
}

function lostError(node: PlanNode, epoch: string, cause?: unknown): StatefulNodeLostError {
  return new StatefulNodeLostError(
    node.id,
    `stateful node ${node.id} lost its state in epoch ${epoch}: its worker thread died; deinit() and init() the runner to start it again`,
    { cause },
  );
}

function toOutputs(result: ThreadCallResult): readonly unknown[] | typeof EXHAUSTED {
  if (result.exhausted) return EXHAUSTED;
  const values = result.values;
  for (const i of result.silent) values[i] = NoEvent;
  return values;
}
