import { taskCid, tubeCid } from '../../cid.ts';
import { NoEvent } from '../../events.ts';
import type { NodeContext } from '../../node/define.ts';
import type { Queue } from '../../queue/queue.ts';
import { traceDispatch } from '../../tracing/dispatch-span.ts';
import type { RemoteExecutor } from '../engine-runner.ts';
import { RunCancelledError } from '../errors.ts';
import { RemoteNodeError } from '../http/errors.ts';
import { typeForWorkers } from '../module-type.ts';
import type { ExecutionPlan, PlanNode } from '../plan.ts';
import { EXHAUSTED } from '../scheduler.ts';
import { checkSendableInputs } from '../sendable.ts';
import { OutcomeWatch } from './outcome-watch.ts';
import { TaskBatch } from './task-batch.ts';

/** How node calls go through the queue. */
export interface QueueExecutorOptions {
  queue: Queue;
  /** Whose job this is (default `local`). */
  tenant?: string;
  /** Run under this existing open job (a coordinator resuming a submitted job); default: a new job. */
  jobId?: string;
  /** Tags every task requires of its worker. */
  tags?: readonly string[];
  /**
   * Attempts per node call before the run fails. Default: for a job of its own, 1 (a node
   * error fails the run, as in sync); under an existing job (`jobId`), the job's retry
   * policy. A lost worker is retried either way.
   */
  maxAttempts?: number;
  /**
   * Longest wait between two looks at a pending task's outcome when the database cannot
   * announce commits (a remote server; default 20 ms). On an embedded database a call
   * waits for a commit instead.
   */
  maxPollMs?: number;
}

/**
 * Sends stateless node calls through the durable queue as tasks (one per call, named by
 * its CID) and waits for their outcomes; any worker that pulls from the queue runs them.
 * Stateful nodes (sources, classes, `stateful: true`) stay with the runner: their state
 * must live in one place, and queue workers are interchangeable. Because a task is named
 * by its CID, a call already made (by an earlier run of the same job that crashed) is not
 * made again: its stored result is used.
 */
export class QueueExecutor implements RemoteExecutor {
  readonly #options: QueueExecutorOptions;
  readonly #tenant: string;
  #jobId: string | undefined;
  #tube = '';
  #directory = '';
  /** Adds the job's calls as tasks, those that start together in one write. */
  #batch: TaskBatch | undefined;
  /** Waits for the job's pending calls, all in one read per look (made on the first call). */
  #watch: OutcomeWatch | undefined;

  constructor(options: QueueExecutorOptions) {
    this.#options = options;
    this.#tenant = options.tenant ?? 'local';
    this.#jobId = options.jobId;
  }

  /** The job the calls are tasks of (set by `init`). */
  get jobId(): string | undefined {
    return this.#jobId;
  }

  handles(node: PlanNode): boolean {
    return node.kind === 'function' && !node.node.stateful && !node.takesLive;
  }

  async init(plan: ExecutionPlan): Promise<void> {
    this.#tube = tubeCid(plan.tube);
    this.#directory = plan.tube.directory;
    if (this.#jobId) return;
    const { jobId } = await this.#options.queue.submitJob({
      tenant: this.#tenant,
      kind: 'tube',
      // A coordinator leaves it alone: this runner drives it.
      payload: { tube: plan.tube.id, tubeCid: this.#tube, runner: 'local' },
      retry: { attempts: this.#options.maxAttempts ?? 1 },
      open: true,
    });
    this.#jobId = jobId;
  }

  async execute(node: PlanNode, inputs: Record<string, unknown>, context: NodeContext) {
    checkSendableInputs(node, inputs, 'json', 'a queue worker');
    const jobId = this.#jobId!;
    const epoch = String(context.epoch);
    const cid = taskCid({ tube: this.#tube, nodeId: node.id, epoch, inputs });
    // Traced, the task carries its dispatch span's context to the worker that runs it.
    return traceDispatch({ jobId, cid, nodeId: node.id, epoch }, (traceparent) =>
      this.#send(node, inputs, context, { jobId, cid, epoch, traceparent }),
    );
  }

  /** Queues the call as a task and waits for its outcome. */
  async #send(
    node: PlanNode,
    inputs: Record<string, unknown>,
    context: NodeContext,
    task: { jobId: string; cid: string; epoch: string; traceparent: string | undefined },
  ) {
    const queue = this.#options.queue;
    const { jobId, cid, epoch, traceparent } = task;
    if (this.#batch?.jobId !== jobId) this.#batch = new TaskBatch(queue, this.#tenant, jobId);
    await this.#batch.add({
      cid,
      nodeId: node.id,
      epoch,
      input: {
        cid,
        type: typeForWorkers(node.node.type, this.#directory),
        params: { ...node.node.params },
        inputs,
        nodeId: node.id,
        epoch,
        ...(traceparent ? { traceparent } : {}),
      },
      ...(this.#options.tags ? { tags: [...this.#options.tags] } : {}),
      ...(this.#options.maxAttempts ? { maxAttempts: this.#options.maxAttempts } : {}),
    });
    if (this.#watch?.jobId !== jobId)
      this.#watch = new OutcomeWatch(queue, this.#tenant, jobId, this.#options.maxPollMs);
    const outcome = await this.#watch.wait(cid, context.signal, `node ${node.id}`);
    if (outcome.state === 'succeeded') {
      const result = outcome.result as { outputs: Record<string, unknown>; exhausted: boolean };
      if (result.exhausted) return EXHAUSTED;
      return node.node.signals.map((signal) =>
        signal in result.outputs ? result.outputs[signal] : NoEvent,
      );
    }
    if (outcome.state === 'dead')
      throw new RemoteNodeError(
        outcome.failure?.message ?? 'task failed',
        outcome.failure?.name ?? 'Error',
      );
    throw new RunCancelledError(`job ${jobId} was cancelled`);
  }

  /** No more calls: the job finishes when its tasks have. */
  async close(): Promise<void> {
    if (!this.#jobId || this.#options.jobId) return;
    const jobId = this.#jobId;
    this.#jobId = undefined;
    await this.#options.queue.sealJob(this.#tenant, jobId).catch(() => {});
  }
}
