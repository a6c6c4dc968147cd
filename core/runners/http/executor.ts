import { randomUUID } from 'node:crypto';
import { taskCid, tubeCid } from '../../cid.ts';
import { NoEvent } from '../../events.ts';
import type { NodeContext } from '../../node/define.ts';
import { traceDispatch } from '../../tracing/dispatch-span.ts';
import type { RemoteExecutor } from '../engine-runner.ts';
import { typeForWorkers } from '../module-type.ts';
import type { ExecutionPlan, PlanNode } from '../plan.ts';
import { EXHAUSTED } from '../scheduler.ts';
import { checkSendableInputs } from '../sendable.ts';
import type { HttpWorkerPool } from './pool.ts';

/** Node kinds an HTTP worker can run (the engine keeps map, gather, return, tube). */
const REMOTE_KINDS = new Set(['function', 'generator', 'class']);

/** What every call of one node sends alike, computed once per run. */
interface NodeTask {
  type: string;
  params: Record<string, unknown>;
  /** The key of its one instance on the workers (generators, classes, `stateful: true`). */
  instance: string | undefined;
}

/**
 * Sends node calls to HTTP workers through a {@link HttpWorkerPool}. Each call is a task
 * named by its CID. A node with state between calls (a generator, a class, even one the
 * tube marks `stateful: false`, which only relaxes ordering, or any `stateful: true` node)
 * has one instance, placed on one worker when the run starts; all its calls go there.
 * Nodes that take a live object (an asset, or a signal of a node that takes one) stay in
 * this process, where the object lives (see `takesLive` in the plan).
 */
export class HttpExecutor implements RemoteExecutor {
  readonly #pool: HttpWorkerPool;
  #tube = '';
  /** Names this run's node instances on the workers, so runs never share state. */
  #runId = '';
  #tasks: Array<NodeTask | undefined> = [];

  constructor(pool: HttpWorkerPool) {
    this.#pool = pool;
  }

  handles(node: PlanNode): boolean {
    return REMOTE_KINDS.has(node.kind) && !node.takesLive;
  }

  async init(plan: ExecutionPlan): Promise<void> {
    this.#tube = tubeCid(plan.tube);
    this.#runId = randomUUID();
    this.#tasks = plan.nodes.map((node) => {
      if (!node.node.enabled || !this.handles(node)) return undefined;
      const instance =
        node.node.stateful || node.kind !== 'function' ? `${this.#runId}/${node.id}` : undefined;
      if (instance) this.#pool.pin(instance);
      return {
        type: typeForWorkers(node.node.type, plan.tube.directory),
        params: { ...node.node.params },
        instance,
      };
    });
  }

  /** Tells the workers to drop this run's instances (calling their deinit hooks). */
  async close(): Promise<void> {
    await this.#pool.dropInstances(`${this.#runId}/`);
    this.#pool.close();
  }

  async execute(node: PlanNode, inputs: Record<string, unknown>, context: NodeContext) {
    const { type, params, instance } = this.#tasks[node.index]!;
    checkSendableInputs(node, inputs, 'json', 'an HTTP worker');
    const epoch = String(context.epoch);
    const cid = taskCid({ tube: this.#tube, nodeId: node.id, epoch, inputs });
    // Traced, the call carries its dispatch span's context: the worker's span is its child.
    const result = await traceDispatch({ cid, nodeId: node.id, epoch }, (traceparent) =>
      this.#pool.call(
        {
          cid,
          type,
          params,
          inputs,
          nodeId: node.id,
          epoch,
          ...(instance ? { instance } : {}),
          ...(traceparent ? { traceparent } : {}),
        },
        { stickyKey: instance, signal: context.signal },
      ),
    );
    if (result.exhausted) return EXHAUSTED;
    return node.node.signals.map((signal) =>
      signal in result.outputs ? result.outputs[signal] : NoEvent,
    );
  }
}
