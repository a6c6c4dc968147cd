import type { TaskDescription } from '../core/cid.ts';

/**
 * A task as it travels between peers: core's task description (tube CID, node id, epoch,
 * inputs) plus the node's type and params, since an executor has no tube file to look
 * them up in. Its CID (core/cid.ts `cidOf`) names it on the network.
 */
export interface PeerTask extends TaskDescription {
  /** The node type (a built-in, `noob.*`, or an absolute module path the executor may load). */
  type: string;
  params: Record<string, unknown>;
}

/** What an executor answers for a task, stored as a block whose CID is the result CID. */
export type TaskOutcome =
  | {
      task: string;
      /** Signal name → value, for the signals that fired. */
      outputs: Record<string, unknown>;
      /** The node is a finished source. */
      exhausted: boolean;
    }
  | {
      task: string;
      /** The node threw: its error's name and message (deterministic nodes fail alike). */
      error: { name: string; message: string };
    };
