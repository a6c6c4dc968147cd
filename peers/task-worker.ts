import { peerIdFromString } from '@libp2p/peer-id';
import { multiaddr } from '@multiformats/multiaddr';
import { checkSendableOutputs } from '../core/runners/sendable.ts';
import { traceCall } from '../core/tracing/call-span.ts';
import type { TaskExecutor } from '../functions/worker/executor.ts';
import { CommitReveal } from './commit-reveal.ts';
import { NonDeterministicNodeError } from './errors.ts';
import type { MessageBody, TaskMessage } from './messages.ts';
import { signatureField } from './payout.ts';
import type { Peer } from './peer.ts';
import { isRendezvousOrder } from './rendezvous.ts';
import type { PeerTask, TaskOutcome } from './task.ts';

/** How an executor answers once it has a result (plain, or commit then reveal). */
export type Answer = (task: TaskMessage, result: string, signal: AbortSignal) => Promise<void>;

/** What a {@link TaskWorker} needs. */
export interface TaskWorkerOptions {
  peer: Peer;
  /** Runs node calls (resolves node types under the peer's module policy). */
  executor: Pick<TaskExecutor, 'execute'>;
  /** Publishes the answer for quorum tasks (commit, then reveal); trusted ones are plain. */
  quorumAnswer?: Answer;
  /**
   * Node types this peer leaves to the next executor in rendezvous order instead of
   * answering with an error (a browser peer, for nodes that are not browser-safe).
   */
  declines?: (type: string) => boolean;
}

/** One task this peer was named for, active or standing by. */
interface Tracked {
  message: TaskMessage;
  position: number;
  k: number;
  announcedAt: number;
  /** Executors that answered (result or commitment). */
  answered: Set<string>;
  /** Executors' last sign of life (a `working` message). */
  heard: Map<string, number>;
  running: boolean;
  /** Its run failed (the owner's block did not come in time, say): tried again at a repeat. */
  failed: boolean;
  timer: NodeJS.Timeout | undefined;
}

/**
 * The executor side of a peer. A task announcement names its candidates in rendezvous
 * order; the first k run it at once, the others stand by. A standby takes over when fewer
 * than k of those ranked before it are alive (answered, or said `working` within the
 * deadline): the first standby after one deadline, the second after two, and so on, so a
 * silent executor is replaced by the next in order without anyone coordinating. A task
 * run before (same CID) is answered from the stored result.
 */
export class TaskWorker {
  readonly #peer: Peer;
  readonly #executor: Pick<TaskExecutor, 'execute'>;
  readonly #quorumAnswer: Answer;
  readonly #declines: (type: string) => boolean;
  /** Node types (with their params) that passed the determinism probe. */
  readonly #deterministic = new Set<string>();
  readonly #tasks = new Map<string, Tracked>();
  /** Result CID by task CID, for tasks run here. */
  readonly #results = new Map<string, string>();
  readonly #abort = new AbortController();
  readonly #off: Array<() => void> = [];
  /** Calls run (for metrics and tests). */
  executed = 0;

  constructor(options: TaskWorkerOptions) {
    this.#peer = options.peer;
    this.#executor = options.executor;
    this.#quorumAnswer = options.quorumAnswer ?? new CommitReveal(options.peer).answer;
    this.#declines = options.declines ?? (() => false);
  }

  /**
   * Starts listening for tasks (the peer must be started), after the peer's own
   * determinism probe: a built-in node run twice must give the same result CID, or the
   * peer does not offer itself for quorum.
   */
  async start(): Promise<void> {
    const probe = { tube: 'probe', nodeId: 'probe', epoch: '0', inputs: { left: 3, right: 7 } };
    const call = { ...probe, type: 'noob.testing.multiply', params: {} };
    const signal = this.#abort.signal;
    const first = await this.#outcome('probe', call, signal);
    const second = await this.#outcome('probe', call, signal);
    this.#peer.quorumEligible = first === second;
    this.executed = 0;
    const executedSeries = this.#peer.metrics.gauge({
      name: 'noob_peer_tasks_executed_total',
      help: 'Node calls this peer ran for others',
    });
    executedSeries.addCollect((series) => series.set(this.executed));
    const answered = (message: { task: string; executor: string }) => {
      this.#tasks.get(message.task)?.answered.add(message.executor);
    };
    this.#off.push(
      this.#peer.on('task', (message) => this.#onTask(message)),
      this.#peer.on('result', answered),
      this.#peer.on('commit', answered),
      this.#peer.on('working', (message) => {
        this.#tasks.get(message.task)?.heard.set(message.executor, Date.now());
      }),
    );
  }

  /** Stops taking tasks and abandons running ones (a standby will take them over). */
  stop(): void {
    for (const off of this.#off.splice(0)) off();
    this.#abort.abort();
    for (const tracked of this.#tasks.values()) clearTimeout(tracked.timer);
    this.#tasks.clear();
  }

  #onTask(message: TaskMessage): void {
    const self = this.#peer.peerId;
    const position = message.executors.indexOf(self);
    if (position < 0) return;
    // Already on it, or standing by for it: a repeated announcement changes nothing (a
    // standby that restarted its wait at each repeat would never take over), unless its
    // run failed: on a loaded network a block fetch can time out, and waiting for the task
    // to be forgotten left a named executor silent for (executors + 2) × 2 deadlines.
    let known = this.#tasks.get(message.task);
    if (known && !known.running && !sameAsk(known.message, message)) {
      // The same call asked for again by another owner, or with another verification (a
      // job run trusted, then in quorum): standing by for the old ask must not keep this
      // peer out of the new one until the old is forgotten, (executors + 2) × 2 deadlines.
      this.#forget(known);
      known = undefined;
    }
    if (known) {
      if (known.failed) {
        known.failed = false;
        void this.#run(known);
      }
      return;
    }
    if (!isRendezvousOrder(message.task, message.executors)) {
      // The owner chose its executors itself: its task is not run, and that is remembered.
      this.#peer.reputation.penalize(message.owner, 'forged');
      return;
    }
    const k = message.verification.mode === 'quorum' ? message.verification.k : 1;
    const tracked: Tracked = {
      message,
      position,
      k,
      announcedAt: Date.now(),
      answered: new Set(),
      heard: new Map(),
      running: false,
      failed: false,
      timer: undefined,
    };
    this.#tasks.set(message.task, tracked);
    // Forgotten once every executor could have had its turn, whatever happened.
    const lifetime = (message.executors.length + 2) * message.deadlineMs * 2;
    const forget = setTimeout(() => this.#forget(tracked), lifetime);
    // A browser's timers are numbers, with nothing to unref.
    (forget as { unref?: () => void }).unref?.();
    if (position < k) void this.#run(tracked);
    else this.#standBy(tracked, (position - k + 1) * message.deadlineMs);
  }

  #standBy(tracked: Tracked, afterMs: number): void {
    tracked.timer = setTimeout(() => {
      if (!this.#tasks.has(tracked.message.task) || tracked.answered.size >= tracked.k) return;
      if (this.#alive(tracked) < tracked.k) void this.#run(tracked);
      else this.#standBy(tracked, tracked.message.deadlineMs / 2);
    }, afterMs);
  }

  /** How many executors ranked before this one answered or are still working. */
  #alive(tracked: Tracked): number {
    const now = Date.now();
    const deadline = tracked.message.deadlineMs;
    let alive = 0;
    for (let i = 0; i < tracked.position; i++) {
      const executor = tracked.message.executors[i]!;
      const heard = tracked.heard.get(executor);
      if (
        tracked.answered.has(executor) ||
        (heard !== undefined && now - heard < deadline) ||
        (i < tracked.k && now - tracked.announcedAt < deadline)
      )
        alive++;
    }
    return alive;
  }

  async #run(tracked: Tracked): Promise<void> {
    if (tracked.running) return;
    tracked.running = true;
    const { message } = tracked;
    const signal = this.#abort.signal;
    const heartbeat = setInterval(
      () => void this.#say({ kind: 'working', task: message.task, executor: this.#peer.peerId }),
      Math.max(5, message.deadlineMs / 3),
    );
    try {
      const result = this.#results.get(message.task) ?? (await this.#execute(message, signal));
      if (signal.aborted) return;
      if (message.verification.mode === 'quorum') await this.#quorumAnswer(message, result, signal);
      else
        await this.#say({
          kind: 'result',
          task: message.task,
          executor: this.#peer.peerId,
          result,
          ...(await signatureField(this.#peer.payout, message.task, result)),
          block: this.#peer.blocks.inline(result),
        });
      // Done: the same task announced again (a later run) is answered from the result.
      this.#forget(tracked);
    } catch (error) {
      // The owner is gone or sent a bad block: nothing to answer now; a standby may try,
      // and so may this peer at the owner's next announcement (unless it declined).
      tracked.running = false;
      tracked.failed = !(error instanceof Declined);
    } finally {
      clearInterval(heartbeat);
    }
  }

  /** Fetches the task (hash-checked), runs it and stores the outcome; returns its CID. */
  async #execute(message: TaskMessage, signal: AbortSignal): Promise<string> {
    const owner = peerIdFromString(message.owner);
    // Inputs that came inline (and hash to the task's CID) need no fetch.
    if (!this.#peer.blocks.keepInline(message.task, message.block))
      await this.#peer.node.peerStore
        .merge(owner, { multiaddrs: message.addrs.map((text) => multiaddr(text)) })
        .catch(() => {});
    const task = await this.#peer.exchange.fetch<PeerTask>(
      owner,
      message.task,
      AbortSignal.any([signal, AbortSignal.timeout(Math.max(5000, message.deadlineMs))]),
    );
    // Silence, as if this peer were gone: the next in order takes the task over.
    if (this.#declines(task.type)) throw new Declined(task.type);
    let cid = await this.#outcome(message.task, task, signal);
    if (message.verification.mode === 'quorum')
      cid = await this.#probe(message.task, task, cid, signal);
    this.#results.set(message.task, cid);
    if (this.#results.size > 10_000) this.#results.delete(this.#results.keys().next().value!);
    return cid;
  }

  /** Runs the call once and stores its outcome (outputs, or the node's error); returns its CID. */
  async #outcome(cid: string, task: PeerTask, signal: AbortSignal): Promise<string> {
    let outcome: TaskOutcome;
    try {
      // Traced, each execution is a `call NODE` span naming the task, node and this peer.
      const call = { cid, nodeId: task.nodeId, epoch: task.epoch, type: task.type };
      const result = await traceCall({ ...call, workerId: `peer:${this.#peer.peerId}` }, () =>
        this.#executor.execute({ ...call, params: task.params, inputs: task.inputs }, signal),
      );
      checkSendableOutputs(task.nodeId, Object.entries(result.outputs), 'json', 'a peer');
      outcome = { task: cid, outputs: result.outputs, exhausted: result.exhausted };
    } catch (error) {
      outcome = { task: cid, error: errorOf(error) };
    }
    this.executed++;
    try {
      return this.#peer.blocks.put(outcome, `the result of node ${task.nodeId}`);
    } catch (error) {
      return this.#peer.blocks.put({ task: cid, error: errorOf(error) });
    }
  }

  /**
   * Quorum is sound only for deterministic nodes: the first quorum call of a node type
   * (with its params) runs twice, and if the two outcomes differ the answer is a
   * {@link NonDeterministicNodeError} instead, the same on every honest executor, so the
   * submitter is told why rather than left without a quorum.
   */
  async #probe(cid: string, task: PeerTask, first: string, signal: AbortSignal): Promise<string> {
    const key = `${task.type}\n${JSON.stringify(task.params)}`;
    if (this.#deterministic.has(key)) return first;
    const second = await this.#outcome(cid, task, signal);
    if (second === first) {
      this.#deterministic.add(key);
      return first;
    }
    const error = new NonDeterministicNodeError(
      `node ${task.nodeId} (${task.type}) gave two different results for the same call: quorum cannot verify a non-deterministic node`,
      {
        details:
          'Run it with verification trusted, or make it deterministic (seed its randomness from its inputs).',
      },
    );
    return this.#peer.blocks.put({ task: cid, error: errorOf(error) });
  }

  #say(body: MessageBody): Promise<void> {
    return this.#peer.publish(body).catch(() => {});
  }

  /** Stops tracking a task, unless a newer announcement of it replaced this one. */
  #forget(tracked: Tracked): void {
    clearTimeout(tracked.timer);
    if (this.#tasks.get(tracked.message.task) === tracked) this.#tasks.delete(tracked.message.task);
  }
}

/** Whether two announcements of a task ask for the same thing (owner and verification). */
function sameAsk(a: TaskMessage, b: TaskMessage): boolean {
  return a.owner === b.owner && JSON.stringify(a.verification) === JSON.stringify(b.verification);
}

/** This peer leaves the task to others (see `declines`): not a failure to retry. */
class Declined extends Error {}

/** A thrown value as the name and message an outcome carries. */
function errorOf(error: unknown): { name: string; message: string } {
  const failure = error as Error;
  return { name: failure?.name ?? 'Error', message: failure?.message ?? String(error) };
}
