import { peerIdFromString } from '@libp2p/peer-id';
import { NoExecutorError } from './errors.ts';
import type { TaskMessage, Verification } from './messages.ts';
import type { Peer } from './peer.ts';
import { rendezvousOrder } from './rendezvous.ts';
import type { PeerTask, TaskOutcome } from './task.ts';
import { TaskListeners } from './task-listeners.ts';

/** How one task is submitted. */
export interface SubmitOptions {
  verification: Verification;
  /** How long an executor may stay silent before the next in order takes over (ms). */
  deadlineMs: number;
  /** Tags an executor must have. */
  tags: readonly string[];
  /** Executors beyond k that stand by, in rendezvous order. */
  standbys: number;
  /** How long to wait for enough executors to be known (ms). */
  waitForPeersMs: number;
  signal: AbortSignal;
}

/** An accepted answer. */
export interface Accepted {
  result: string;
  outcome: TaskOutcome;
  /** The executors whose answer was accepted. */
  executors: string[];
  /**
   * Each executor's payout signature over (task, result), as its answer carried it: by
   * executor, for those whose answer had one (checked by whoever pays, see peers/payout.ts).
   */
  signatures: Record<string, string>;
}

/** Something that decides which answer of a task to accept (trusted: the first; quorum: q equal). */
export interface Verifier {
  /** Starts listening for `task`'s answers; resolves with the accepted one. */
  accept(task: TaskMessage, signal: AbortSignal, alive: () => void): Promise<Accepted>;
}

/**
 * The submitting side: stores a task as a block, announces it with its executors in
 * rendezvous order among the live peers able to run it, and waits for a verifier to
 * accept an answer. Silence is bounded: when nothing is heard of the task for as long as
 * every standby would need to take over, it fails with {@link NoExecutorError}.
 */
export class Submitter {
  readonly #peer: Peer;
  readonly #verifiers: Record<Verification['mode'], Verifier>;

  constructor(peer: Peer, verifiers: Record<Verification['mode'], Verifier>) {
    this.#peer = peer;
    this.#verifiers = verifiers;
  }

  async submit(task: PeerTask, options: SubmitOptions): Promise<Accepted> {
    const peer = this.#peer;
    const cid = peer.blocks.put(task, `the inputs of node ${task.nodeId} in epoch ${task.epoch}`);
    const k = options.verification.mode === 'quorum' ? options.verification.k : 1;
    const candidates = await this.#candidates(k, task, options);
    const executors = rendezvousOrder(cid, candidates).slice(0, k + options.standbys);
    const message: TaskMessage = {
      v: 1,
      ts: 0,
      nonce: '',
      kind: 'task',
      task: cid,
      owner: peer.peerId,
      addrs: peer.addresses.slice(0, 16),
      executors,
      verification: options.verification,
      deadlineMs: options.deadlineMs,
      // Small inputs ride along: the executors need not fetch the task block.
      block: peer.blocks.inline(cid),
    };
    const silence = new AbortController();
    const signal = AbortSignal.any([options.signal, silence.signal]);
    const limit = (executors.length - k + 2) * options.deadlineMs;
    let timer: NodeJS.Timeout | undefined;
    const alive = () => {
      clearTimeout(timer);
      timer = setTimeout(() => silence.abort(), limit);
    };
    const accepted = this.#verifiers[options.verification.mode].accept(message, signal, alive);
    // Announced again, each deadline, while fewer than k executors have answered: gossip
    // reaches a peer whose mesh is still forming late or not at all. Executors already on
    // it ignore the repeat; those done answer again alike.
    const answered = new Set<string>();
    const answer = (m: { task: string; executor: string }) => {
      if (m.task === cid) answered.add(m.executor);
    };
    const offs = [peer.on('result', answer), peer.on('commit', answer)];
    const { v: _v, ts: _ts, nonce: _nonce, ...body } = message;
    await peer.publish(body);
    alive();
    const repeat = setInterval(() => {
      if (answered.size < k) void peer.publish(body).catch(() => {});
    }, options.deadlineMs);
    try {
      return await accepted;
    } catch (error) {
      if (silence.signal.aborted && !options.signal.aborted)
        throw new NoExecutorError(
          `no executor answered for node ${task.nodeId} in epoch ${task.epoch} (task ${cid}) within ${limit} ms of silence`,
          { details: `Executors asked, in order: ${executors.join(', ')}.` },
        );
      throw error;
    } finally {
      clearTimeout(timer);
      clearInterval(repeat);
      for (const off of offs) off();
    }
  }

  /** Live peers with the tags (and the probe, for quorum), trusted; waits for k of them. */
  async #candidates(k: number, task: PeerTask, options: SubmitOptions): Promise<string[]> {
    const quorum = options.verification.mode === 'quorum';
    const deadline = Date.now() + options.waitForPeersMs;
    for (;;) {
      const found = this.#peer.directory
        .live(options.tags, quorum)
        .map((known) => known.id)
        .filter((id) => this.#peer.reputation.trusted(id));
      if (found.length >= k) return found;
      if (Date.now() >= deadline || options.signal.aborted)
        throw new NoExecutorError(
          `node ${task.nodeId} needs ${k} ${quorum ? 'quorum-eligible ' : ''}peer${k === 1 ? '' : 's'}${options.tags.length ? ` with tags ${options.tags.join(', ')}` : ''}, found ${found.length}`,
          {
            details:
              'Start more peers (noob peer --bootstrap …) or check that they reach this one.',
          },
        );
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/**
 * Fetches an executor's result block (hash-checked) and checks that it answers `task`:
 * undefined when it does not. A fetch that fails (the executor busy or briefly
 * unreachable) is tried again, a few times, before the error is thrown.
 */
export async function fetchOutcome(
  peer: Peer,
  executor: string,
  result: string,
  task: string,
  signal: AbortSignal,
): Promise<TaskOutcome | undefined> {
  for (let attempt = 1; ; attempt++) {
    try {
      const outcome = await peer.exchange.fetch<TaskOutcome>(
        peerIdFromString(executor),
        result,
        AbortSignal.any([signal, AbortSignal.timeout(10_000)]),
      );
      return outcome && typeof outcome === 'object' && outcome.task === task ? outcome : undefined;
    } catch (error) {
      if (attempt >= 5 || signal.aborted || (error as Error).name !== 'BlockError') throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
    }
  }
}

/**
 * Trusted verification (k = 1): the first result from a named executor is accepted once
 * its block is fetched and answers the task.
 */
export class TrustedVerifier implements Verifier {
  readonly #peer: Peer;
  readonly #listeners: TaskListeners;

  constructor(peer: Peer) {
    this.#peer = peer;
    this.#listeners = new TaskListeners(peer, ['working', 'result']);
  }

  accept(task: TaskMessage, signal: AbortSignal, alive: () => void): Promise<Accepted> {
    const peer = this.#peer;
    return new Promise<Accepted>((resolve, reject) => {
      const offs: Array<() => void> = [];
      const done = () => {
        for (const off of offs) off();
        signal.removeEventListener('abort', onAbort);
      };
      const onAbort = () => {
        done();
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      offs.push(
        this.#listeners.listen(task.task, {
          working: () => alive(),
          result: (message) => {
            if (!task.executors.includes(message.executor)) return;
            alive();
            peer.blocks.keepInline(message.result, message.block);
            fetchOutcome(peer, message.executor, message.result, task.task, signal).then(
              (outcome) => {
                if (!outcome) {
                  peer.reputation.penalize(message.executor, 'wrong');
                  return;
                }
                done();
                resolve({
                  result: message.result,
                  outcome,
                  executors: [message.executor],
                  signatures: message.signature ? { [message.executor]: message.signature } : {},
                });
              },
              () => {},
            );
          },
        }),
      );
    });
  }
}
