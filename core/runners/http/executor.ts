import { randomUUID } from 'node:crypto';
import { taskCid, tubeCid } from '../../cid.ts';
import { NoEvent } from '../../events.ts';
import type { NodeContext } from '../../node/define.ts';
import type { RemoteExecutor } from '../engine-runner.ts';
import { typeForWorkers } from '../module-type.ts';
import type { ExecutionPlan, PlanNode } from '../plan.ts';
import { EXHAUSTED } from '../scheduler.ts';
import type { HttpWorkerPool } from './pool.ts';

/** Node kinds an HTTP worker can run (the engine keeps map, gather, return, tube). */
const REMOTE_KINDS = new Set(['function', 'generator', 'class']);

/**
 * Sends node calls to HTTP workers through a {@link HttpWorkerPool}. Each call is a task
 * named by its CID. Calls of stateful nodes carry an instance key and stick to one worker,
 * where the node's state lives. Nodes that use assets stay in this process: an asset is
 * a live object shared by the nodes of one run, which cannot travel.
 */
export class HttpExecutor implements RemoteExecutor {
  readonly #pool: HttpWorkerPool;
  #tube = '';
  #directory = '';
  /** Names this run's node instances on the workers, so runs never share state. */
  #runId = '';

  constructor(pool: HttpWorkerPool) {
    this.#pool = pool;
  }

  handles(node: PlanNode): boolean {
    return (
      REMOTE_KINDS.has(node.kind) &&
      !node.node.bindings.some((binding) => binding.source.kind === 'asset')
    );
  }

  async init(plan: ExecutionPlan): Promise<void> {
    this.#tube = tubeCid(plan.tube);
    this.#directory = plan.tube.directory;
    this.#runId = randomUUID();
  }

  /** Tells the workers to drop this run's instances (calling their deinit hooks). */
  async close(): Promise<void> {
    await this.#pool.dropInstances(`${this.#runId}/`);
    this.#pool.close();
  }

  async execute(node: PlanNode, inputs: Record<string, unknown>, context: NodeContext) {
    const epoch = String(context.epoch);
    const stateful = node.node.stateful || node.kind !== 'function';
    const instance = stateful ? `${this.#runId}/${node.id}` : undefined;
    const result = await this.#pool.call(
      {
        cid: taskCid({ tube: this.#tube, nodeId: node.id, epoch, inputs }),
        type: typeForWorkers(node.node.type, this.#directory),
        params: { ...node.node.params },
        inputs,
        nodeId: node.id,
        epoch,
        ...(instance ? { instance } : {}),
      },
      { stickyKey: instance, signal: context.signal },
    );
    if (result.exhausted) return EXHAUSTED;
    return node.node.signals.map((signal) =>
      signal in result.outputs ? result.outputs[signal] : NoEvent,
    );
  }
}
