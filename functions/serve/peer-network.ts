import type { NetworkCalls } from '../../core/queue/network-calls.ts';
import type { NodeLogChunk } from '../../core/queue/task-logs.ts';
import { P2PRunner } from '../../core/runners/p2p/runner.ts';
import { startSubmitterPeer } from '../../core/runners/p2p/submitter-peer.ts';
import type { Runner } from '../../core/runners/runner.ts';
import type { Tube } from '../../core/tube/tube.ts';
import type { TaskMessage, Verification } from '../../peers/messages.ts';
import type { Peer } from '../../peers/peer.ts';
import { type QuorumObserver, QuorumVerifier } from '../../peers/quorum-verifier.ts';
import { type Accepted, TrustedVerifier } from '../../peers/submitter.ts';
import type { PeerTask } from '../../peers/task.ts';
import { type CallHooks, keepOutput, recording } from './network-call-hooks.ts';

/** Accepted calls a verdict lists one by one; past it, `calls` still counts them all. */
export const MAX_LISTED_CALLS = 1000;

/** One node call the network answered, as its job's verifier accepted it. */
export interface AcceptedCall {
  /** The node called, and in which epoch (`3`, `3/(split,0)` inside a map). */
  node: string;
  epoch: string;
  /** The task block's CID (its tube, node, epoch and inputs). */
  task: string;
  /** The accepted result block's CID. */
  result: string;
  /** The peers whose answers made it (one when trusted, at least q in quorum). */
  executors: string[];
}

/**
 * How the peer network verified a job's node calls (`GET /v1/jobs/:id` `verdict`): the
 * verification asked for, each accepted result CID, and how many signed evidence records
 * name an executor that answered otherwise (kept in the peers' ledger for settlement).
 */
export interface NetworkVerdict {
  verification: Verification;
  /** Node calls accepted on the network. */
  calls: number;
  /** The first {@link MAX_LISTED_CALLS} of them, in the order they were accepted. */
  accepted: AcceptedCall[];
  /** Evidence records against executors that disagreed with an accepted result. */
  evidence: number;
}

/** What a job run on the network needs besides its tube. */
export interface NetworkRunOptions {
  verification: Verification;
  /** Tags every executor must have (the job's `tags`). */
  tags: readonly string[];
  /**
   * Keeps what an accepted call printed on the peer that ran it (the job's logs), each
   * entry naming that peer. Without it, output stays on the peers.
   */
  keepOutput?: (chunks: NodeLogChunk[]) => Promise<void>;
  /** Told the run's call counts each time one changes (the job's progress). */
  onCalls?: (calls: NetworkCalls) => void;
}

/** A run on the network and what its verifiers accepted so far. */
export interface NetworkRun {
  runner: Runner;
  verdict(): NetworkVerdict;
  /** Resolves once the output of every call accepted so far is kept. */
  settled(): Promise<void>;
}

/**
 * The coordinator's side of the peer network (`noob coordinator --peers`, which `noob
 * serve --peers` passes on): one peer, joined through the given addresses, that runs no
 * tasks itself and submits the node calls of jobs asking for `runner: "p2p"`. Every such
 * job gets a p2p runner of its own on this peer, with its verification and tags, and its
 * verdict is collected as the verifiers accept calls: no peer file changes for it, it
 * wraps the verifiers the runner would use.
 */
export class PeerNetwork {
  readonly #peer: Peer;

  private constructor(peer: Peer) {
    this.#peer = peer;
  }

  /** Joins through `bootstrap` with a fresh identity (see {@link startSubmitterPeer}). */
  static async join(bootstrap: readonly string[]): Promise<PeerNetwork> {
    return new PeerNetwork(await startSubmitterPeer(bootstrap));
  }

  /** This side's peer id. */
  get peerId(): string {
    return this.#peer.peerId;
  }

  /** A p2p runner for one job's tube, recording what its verifiers accept. */
  run(tube: Tube, options: NetworkRunOptions): NetworkRun {
    const peer = this.#peer;
    const accepted: AcceptedCall[] = [];
    let calls = 0;
    let evidence = 0;
    const counts: NetworkCalls = { total: 0, done: 0, failed: 0, cancelled: 0 };
    const outputs = new Set<Promise<void>>();
    const count = (change: keyof NetworkCalls) => {
      counts[change]++;
      options.onCalls?.({ ...counts });
    };
    const record = (task: TaskMessage, answer: Accepted) => {
      calls++;
      // An accepted answer may be the node's error: the call failed, as a task would.
      count('error' in answer.outcome ? 'failed' : 'done');
      // The submitter stored the call's block here: it names the node and epoch.
      const call = peer.blocks.get<PeerTask>(task.task);
      const node = call?.nodeId ?? '';
      const epoch = call?.epoch ?? '';
      if (options.keepOutput) {
        const keeping = keepOutput(
          peer,
          answer.executors[0]!,
          task.task,
          node,
          epoch,
          options.keepOutput,
        );
        outputs.add(keeping);
        void keeping.finally(() => outputs.delete(keeping));
      }
      if (accepted.length >= MAX_LISTED_CALLS) return;
      accepted.push({
        node,
        epoch,
        task: task.task,
        result: answer.result,
        executors: [...answer.executors],
      });
    };
    const hooks: CallHooks = {
      asked: () => count('total'),
      accepted: record,
      failed: (stopped) => count(stopped ? 'cancelled' : 'failed'),
    };
    const ledger = peer.ledger;
    // The ledger still gets everything (peers replicate it); evidence is counted on the way.
    const observer: QuorumObserver = {
      claimed: (task) => ledger.claimed(task),
      committed: (task, executor, commitment) => ledger.committed(task, executor, commitment),
      revealed: (task, executor, result, valid) => ledger.revealed(task, executor, result, valid),
      decided: (task, result, executors) => ledger.decided(task, result, executors),
      evidence: (found) => {
        evidence++;
        ledger.evidence(found);
      },
    };
    const runner = new P2PRunner(tube, {
      peer,
      verification: options.verification,
      tags: options.tags,
      verifiers: {
        trusted: recording(new TrustedVerifier(peer), hooks),
        quorum: recording(new QuorumVerifier(peer, observer), hooks),
      },
    });
    return {
      runner,
      verdict: () => ({
        verification: options.verification,
        calls,
        accepted: [...accepted],
        evidence,
      }),
      settled: async () => {
        while (outputs.size > 0) await Promise.all(outputs);
      },
    };
  }

  /** Leaves the network. */
  close(): Promise<void> {
    return this.#peer.stop();
  }
}
