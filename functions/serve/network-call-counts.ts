import type { NetworkCalls, NodeNetworkCalls } from '../../core/queue/network-calls.ts';

/**
 * How a call on the network ended: accepted, failed (no quorum, or the accepted answer is
 * the node's error), or given up.
 */
export type CallEnd = 'done' | 'failed' | 'cancelled';

/** Which call a task is: its node and epoch, as its task block names them. */
export interface CallOf {
  node: string;
  epoch: string;
}

/**
 * A job run's calls on the peer network counted as they go, in all (the job's progress)
 * and by node (its graph: no task row holds them, see `Queue.recordNetworkCalls`), with
 * each node's accepted calls timed from sending to the accepted answer.
 */
export class NetworkCallCounts {
  readonly #all = { total: 0, done: 0, failed: 0, cancelled: 0 };
  // A plain object, changed in place: `calls` hands it out without copying every node's
  // counts at every call (a tube may have a thousand nodes). Without a prototype: node ids
  // are the tenant's, and `__proto__` or `constructor` are valid ones; on `{}` they would
  // reach Object.prototype (every object of this process, other tenants' runs included).
  readonly #nodes: Record<string, NodeNetworkCalls> = Object.create(null);
  /** Calls sent and not ended, by task CID: which call, and when it was sent. */
  readonly #inFlight = new Map<string, CallOf & { sentAt: number }>();

  /** The call `task` (of `call`'s node and epoch) was sent to the network. */
  asked(task: string, call: CallOf): void {
    this.#all.total++;
    this.#of(call.node).total++;
    this.#inFlight.set(task, { ...call, sentAt: performance.now() });
  }

  /** The call `task` ended as `end`; which call it was (nameless if it was never asked). */
  ended(task: string, end: CallEnd): CallOf {
    const call = this.#inFlight.get(task);
    this.#inFlight.delete(task);
    const node = call?.node ?? '';
    this.#all[end]++;
    const counts = this.#of(node);
    counts[end]++;
    if (end === 'done' && call) counts.runMs += Math.round(performance.now() - call.sentAt);
    return { node, epoch: call?.epoch ?? '' };
  }

  /**
   * The counts now. `nodes` is the run's own record, changed by the next call: serialize
   * it before then (as `NetworkProgress` does when it writes), do not keep it.
   */
  get calls(): NetworkCalls {
    return { ...this.#all, nodes: this.#nodes };
  }

  #of(node: string): NodeNetworkCalls {
    this.#nodes[node] ??= { total: 0, done: 0, failed: 0, cancelled: 0, runMs: 0 };
    return this.#nodes[node];
  }
}
