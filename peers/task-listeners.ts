import type { SignedMessage } from '@libp2p/gossipsub';
import type { PeerMessage } from './messages.ts';
import type { Peer } from './peer.ts';
import { soon } from './soon.ts';

/** The kinds of message that are about one task. */
type TaskKind = 'working' | 'commit' | 'reveal' | 'result';

/** What one open task listens to, by kind. */
export type TaskListener = {
  [K in TaskKind]?: (
    message: Extract<PeerMessage, { kind: K }>,
    signer: string,
    signed: SignedMessage,
  ) => void;
};

/**
 * Routes a peer's messages about tasks to the listeners of that task only. A handler on
 * the peer per open task made every commitment and reveal visit every open task (and a
 * quorum verifier keeps a decided task open for a deadline to judge late reveals): a
 * cost that grew with the square of the calls in flight. Here there is one handler per
 * kind on the peer, there only while some task is open, and a lookup by task CID.
 */
export class TaskListeners {
  readonly #peer: Peer;
  readonly #kinds: readonly TaskKind[];
  readonly #byTask = new Map<string, Set<TaskListener>>();
  #offs: Array<() => void> = [];

  constructor(peer: Peer, kinds: readonly TaskKind[]) {
    this.#peer = peer;
    this.#kinds = kinds;
  }

  /** Calls `listener` for messages about `task` until the returned function is called. */
  listen(task: string, listener: TaskListener): () => void {
    if (this.#offs.length === 0) this.#attach();
    let listeners = this.#byTask.get(task);
    if (!listeners) {
      listeners = new Set();
      this.#byTask.set(task, listeners);
    }
    listeners.add(listener);
    let open = true;
    return () => {
      if (!open) return;
      open = false;
      listeners.delete(listener);
      if (listeners.size === 0 && this.#byTask.get(task) === listeners) this.#byTask.delete(task);
      // Later, not now: this may run inside the peer's dispatch of a message, and leaving
      // its list of handlers then would make it skip the next one.
      if (this.#byTask.size === 0) soon(() => this.#detach());
    };
  }

  #attach(): void {
    this.#offs = this.#kinds.map((kind) =>
      this.#peer.on(kind, (message, signer, signed) => {
        // A copy: a listener may stop listening (and leave the set) while it is called.
        for (const listener of [...(this.#byTask.get(message.task) ?? [])])
          (listener[kind] as ((...args: unknown[]) => void) | undefined)?.(message, signer, signed);
      }),
    );
  }

  #detach(): void {
    if (this.#byTask.size > 0) return;
    for (const off of this.#offs.splice(0)) off();
  }
}
