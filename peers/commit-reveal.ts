import { commitmentOf, newSalt } from './commitment.ts';
import type { TaskMessage } from './messages.ts';
import { signatureField } from './payout.ts';
import type { Peer } from './peer.ts';

/** Tasks whose commitments are counted at once, at most (oldest forgotten first). */
const MAX_TASKS = 10_000;

/**
 * The executor's side of quorum: commit to the result, wait for the commit phase to
 * close (k of the named executors committed, or a deadline passed since this one did),
 * then reveal. Revealing earlier would let a slower executor copy the answer.
 */
export class CommitReveal {
  readonly #peer: Peer;
  /** Executors seen committing, by task. */
  readonly #commits = new Map<string, Set<string>>();
  readonly #waiters = new Map<string, () => void>();
  /** The salt used per task, so that answering a repeated announcement commits alike. */
  readonly #salts = new Map<string, string>();

  constructor(peer: Peer) {
    this.#peer = peer;
    peer.on('commit', (message) => this.#committed(message.task, message.executor));
  }

  /** Commits, waits for the phase to close, reveals (an `Answer` for the task worker). */
  answer = async (task: TaskMessage, result: string, signal: AbortSignal): Promise<void> => {
    if (task.verification.mode !== 'quorum') return;
    const executor = this.#peer.peerId;
    const salt = this.#salts.get(task.task) ?? newSalt();
    this.#salts.set(task.task, salt);
    if (this.#salts.size > MAX_TASKS) this.#salts.delete(this.#salts.keys().next().value!);
    const closed = this.#closed(task, task.verification.k, signal);
    this.#committed(task.task, executor);
    await this.#peer.publish({
      kind: 'commit',
      task: task.task,
      executor,
      commitment: commitmentOf(result, salt, executor),
    });
    await closed;
    this.#commits.delete(task.task);
    if (signal.aborted) return;
    const block = this.#peer.blocks.inline(result);
    const signature = await signatureField(this.#peer.payout, task.task, result);
    await this.#peer.publish({
      kind: 'reveal',
      task: task.task,
      executor,
      result,
      salt,
      ...signature,
      block,
    });
  };

  #committed(task: string, executor: string): void {
    let seen = this.#commits.get(task);
    if (!seen) {
      seen = new Set();
      this.#commits.set(task, seen);
      if (this.#commits.size > MAX_TASKS) this.#commits.delete(this.#commits.keys().next().value!);
    }
    seen.add(executor);
    this.#waiters.get(task)?.();
  }

  /** Resolves when k named executors committed, or `deadlineMs` after the call. */
  #closed(task: TaskMessage, k: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        this.#waiters.delete(task.task);
        signal.removeEventListener('abort', finish);
        resolve();
      };
      const timer = setTimeout(finish, task.deadlineMs);
      signal.addEventListener('abort', finish, { once: true });
      this.#waiters.set(task.task, () => {
        const seen = this.#commits.get(task.task);
        const named = [...(seen ?? [])].filter((id) => task.executors.includes(id));
        if (named.length >= k) finish();
      });
    });
  }
}
