import type { NodeLogChunk } from '../../core/queue/task-logs.ts';
import { fetchCallOutput } from '../../peers/call-outputs.ts';
import type { TaskMessage } from '../../peers/messages.ts';
import type { Peer } from '../../peers/peer.ts';
import type { Accepted, Verifier } from '../../peers/submitter.ts';

/**
 * What a job run on the peer network hears of each of its calls, besides the answer its
 * runner gets: that it was asked, accepted (and then what its executor printed) or lost.
 * The coordinator's side wraps the verifiers the runner uses, so no peer file changes.
 */

/** What a job's run is told of its calls. */
export interface CallHooks {
  /** A call went to the network. */
  asked(task: TaskMessage): void;
  /**
   * A call was accepted; the runner gets the answer once this resolves (what must be
   * durable before the call counts, such as its settlement rows, is written here).
   */
  accepted(task: TaskMessage, answer: Accepted): void | Promise<void>;
  /** A call failed, or was given up (`stopped`: the run stopped, or its silence was too long). */
  failed(task: TaskMessage, stopped: boolean): void;
}

/** `verifier`, telling `hooks` of each call asked and how it ended. */
export function recording(verifier: Verifier, hooks: CallHooks): Verifier {
  return {
    async accept(task, signal, alive) {
      hooks.asked(task);
      let answer: Accepted;
      try {
        answer = await verifier.accept(task, signal, alive);
      } catch (error) {
        hooks.failed(task, signal.aborted);
        throw error;
      }
      await hooks.accepted(task, answer);
      return answer;
    },
  };
}

/**
 * Fetches what `executor` printed running `task` and keeps it, each entry starting with
 * the executor's peer id (the job's log entries have no field for it). Output is news:
 * one that cannot be fetched or kept is dropped.
 */
export async function keepOutput(
  peer: Peer,
  executor: string,
  task: string,
  node: string,
  epoch: string,
  keep: (chunks: NodeLogChunk[]) => Promise<void>,
): Promise<void> {
  const chunks = await fetchCallOutput(peer, executor, task, AbortSignal.timeout(10_000));
  if (chunks.length === 0) return;
  await keep(
    chunks.map((chunk) => ({ ...chunk, node, epoch, text: `[peer ${executor}] ${chunk.text}` })),
  ).catch(() => undefined);
}
