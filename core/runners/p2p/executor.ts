import type { Verification } from '../../../peers/messages.ts';
import type { Peer } from '../../../peers/peer.ts';
import { QuorumVerifier } from '../../../peers/quorum-verifier.ts';
import { Submitter, TrustedVerifier, type Verifier } from '../../../peers/submitter.ts';
import { tubeCid } from '../../cid.ts';
import { NoEvent } from '../../events.ts';
import type { NodeContext } from '../../node/define.ts';
import type { RemoteExecutor } from '../engine-runner.ts';
import { RemoteNodeError } from '../http/errors.ts';
import { typeForWorkers } from '../module-type.ts';
import type { ExecutionPlan, PlanNode } from '../plan.ts';
import { EXHAUSTED } from '../scheduler.ts';
import { checkSendableInputs } from '../sendable.ts';

/** How node calls go to the peer network. */
export interface PeerExecutorOptions {
  /** A started peer (executes: false is enough) joined to the network. */
  peer: Peer;
  /** `trusted` (default: one executor) or `quorum` (k executors, q equal results). */
  verification?: Verification;
  /** Silence after which the next executor in rendezvous order takes over (ms, default 5000). */
  deadlineMs?: number;
  /** Tags every executor must have. */
  tags?: readonly string[];
  /** Executors standing by beyond k (default 2). */
  standbys?: number;
  /** How long a call waits for enough executors to be known (ms, default 15000). */
  waitForPeersMs?: number;
  /** Verifiers by mode (default: {@link TrustedVerifier}, {@link QuorumVerifier} writing to the peer's ledger). */
  verifiers?: Partial<Record<Verification['mode'], Verifier>>;
}

/**
 * Sends stateless node calls to the peers: each call is a task block named by its CID,
 * announced with its executors in rendezvous order, and accepted by the job's
 * verification. Stateful nodes and nodes that take a live object (an asset, or what a node
 * that takes one emits) stay here, as with the queue: their state lives in one place, and
 * peers are interchangeable.
 */
export class PeerExecutor implements RemoteExecutor {
  readonly #options: PeerExecutorOptions;
  readonly #submitter: Submitter;
  #tube = '';
  #directory = '';

  constructor(options: PeerExecutorOptions) {
    this.#options = options;
    this.#submitter = new Submitter(options.peer, {
      trusted: options.verifiers?.trusted ?? new TrustedVerifier(options.peer),
      quorum: options.verifiers?.quorum ?? new QuorumVerifier(options.peer, options.peer.ledger),
    });
  }

  handles(node: PlanNode): boolean {
    return node.kind === 'function' && !node.node.stateful && !node.takesLive;
  }

  async init(plan: ExecutionPlan): Promise<void> {
    this.#tube = tubeCid(plan.tube);
    this.#directory = plan.tube.directory;
  }

  async execute(node: PlanNode, inputs: Record<string, unknown>, context: NodeContext) {
    checkSendableInputs(node, inputs, 'json', 'a peer');
    const options = this.#options;
    const { outcome } = await this.#submitter.submit(
      {
        tube: this.#tube,
        nodeId: node.id,
        epoch: String(context.epoch),
        inputs,
        type: typeForWorkers(node.node.type, this.#directory),
        params: { ...node.node.params },
      },
      {
        verification: options.verification ?? { mode: 'trusted' },
        deadlineMs: options.deadlineMs ?? 5000,
        tags: options.tags ?? [],
        standbys: options.standbys ?? 2,
        waitForPeersMs: options.waitForPeersMs ?? 15_000,
        signal: context.signal,
      },
    );
    if ('error' in outcome) throw new RemoteNodeError(outcome.error.message, outcome.error.name);
    if (outcome.exhausted) return EXHAUSTED;
    return node.node.signals.map((signal) =>
      signal in outcome.outputs ? outcome.outputs[signal] : NoEvent,
    );
  }
}
