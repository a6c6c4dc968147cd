import type { NetworkCalls } from '../../core/queue/network-calls.ts';
import type { NodeLogChunk } from '../../core/queue/task-logs.ts';
import { P2PRunner } from '../../core/runners/p2p/runner.ts';
import { startSubmitterPeer } from '../../core/runners/p2p/submitter-peer.ts';
import type { Runner } from '../../core/runners/runner.ts';
import type { VerifiedResult } from '../../core/settlement/record.ts';
import type { Tube } from '../../core/tube/tube.ts';
import type { TaskMessage, Verification } from '../../peers/messages.ts';
import type { Peer } from '../../peers/peer.ts';
import { type QuorumObserver, QuorumVerifier } from '../../peers/quorum-verifier.ts';
import { settlementDomainFromEnv } from '../../peers/settlement-domain.ts';
import { type Accepted, TrustedVerifier } from '../../peers/submitter.ts';
import type { PeerTask } from '../../peers/task.ts';
import { NoSettlementDomainError } from './errors.ts';
import { NetworkCallCounts } from './network-call-counts.ts';
import { type CallHooks, keepOutput, recording } from './network-call-hooks.ts';
import {
  type JobSettlement,
  type SettlementCounts,
  SettlementRecorder,
} from './settlement-recorder.ts';

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
  /** For a job with a settlement: its accepted calls recorded for payment, and not. */
  settlement?: SettlementCounts;
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
  /**
   * Told the run's call counts each time one changes (the job's progress, and its graph
   * by `nodes`, which is the run's own record: serialize it, do not keep it).
   */
  onCalls?: (calls: NetworkCalls) => void;
  /**
   * The job's settlement: each accepted call's paid executors are written with `record`
   * (durably, before the call's answer counts; see {@link SettlementRecorder}).
   */
  settlement?: JobSettlement & {
    jobId: string;
    record: (rows: VerifiedResult[]) => Promise<unknown>;
  };
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
  readonly #env: Record<string, string | undefined>;

  private constructor(peer: Peer, env: Record<string, string | undefined>) {
    this.#peer = peer;
    this.#env = env;
  }

  /**
   * Joins through `bootstrap` with a fresh identity (see {@link startSubmitterPeer}).
   * `env` holds the settlement contract's domain that settled jobs' signatures are
   * checked in (NOOB_CHAIN, NOOB_SETTLEMENT_ADDRESS; see peers/settlement-domain.ts).
   */
  static async join(
    bootstrap: readonly string[],
    env: Record<string, string | undefined> = process.env,
  ): Promise<PeerNetwork> {
    return new PeerNetwork(await startSubmitterPeer(bootstrap), env);
  }

  /** This side's peer id. */
  get peerId(): string {
    return this.#peer.peerId;
  }

  /**
   * A p2p runner for one job's tube, recording what its verifiers accept. A job with a
   * settlement on a coordinator that knows no settlement contract throws
   * {@link NoSettlementDomainError} (its calls could be paid to nobody).
   */
  run(tube: Tube, options: NetworkRunOptions): NetworkRun {
    const peer = this.#peer;
    const settling = options.settlement ? this.#recorder(options.settlement) : undefined;
    const accepted: AcceptedCall[] = [];
    let calls = 0;
    let evidence = 0;
    const counts = new NetworkCallCounts();
    const told = () => options.onCalls?.(counts.calls);
    const outputs = new Set<Promise<void>>();
    const record = (task: TaskMessage, answer: Accepted) => {
      calls++;
      const paying = settling?.accepted(task.task, answer);
      // An accepted answer may be the node's error: the call failed, as a task would.
      const { node, epoch } = counts.ended(
        task.task,
        'error' in answer.outcome ? 'failed' : 'done',
      );
      told();
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
      if (accepted.length < MAX_LISTED_CALLS)
        accepted.push({
          node,
          epoch,
          task: task.task,
          result: answer.result,
          executors: [...answer.executors],
        });
      return paying;
    };
    const hooks: CallHooks = {
      asked: (task) => {
        // The submitter stored the call's block here: it names the node and epoch.
        const call = peer.blocks.get<PeerTask>(task.task);
        counts.asked(task.task, { node: call?.nodeId ?? '', epoch: call?.epoch ?? '' });
        told();
      },
      accepted: record,
      failed: (task, stopped) => {
        counts.ended(task.task, stopped ? 'cancelled' : 'failed');
        told();
      },
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
        ...(settling ? { settlement: settling.counts() } : {}),
      }),
      settled: async () => {
        while (outputs.size > 0) await Promise.all(outputs);
      },
    };
  }

  /** The recorder of a settled job's paid calls, in this coordinator's settlement domain. */
  #recorder(settlement: NonNullable<NetworkRunOptions['settlement']>): SettlementRecorder {
    const { jobId } = settlement;
    const domain = settlementDomainFromEnv(this.#env);
    if (!domain)
      throw new NoSettlementDomainError(
        `job ${jobId} asks to be settled from escrow ${settlement.escrow}, and this coordinator knows no settlement contract to check its executors' signatures in`,
        {
          details:
            'Start the coordinator (or noob serve) with NOOB_CHAIN and NOOB_SETTLEMENT_ADDRESS set, as the peers that sign have them.',
        },
      );
    const directory = this.#peer.directory;
    return new SettlementRecorder({
      jobId,
      settlement: { escrow: settlement.escrow, reward: settlement.reward },
      domain,
      payoutOf: (executor) => directory.get(executor)?.payout,
      record: settlement.record,
    });
  }

  /** Leaves the network. */
  close(): Promise<void> {
    return this.#peer.stop();
  }
}
