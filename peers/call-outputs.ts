import * as dagCbor from '@ipld/dag-cbor';
import { peerIdFromString } from '@libp2p/peer-id';
import type { LogChunk } from '../core/queue/task-logs.ts';
import type { TaskExecutor } from '../functions/worker/executor.ts';
import {
  CallOutput,
  captureCall,
  defaultMaxLogBytes,
  fitting,
  MAX_LOG_ENTRIES,
  terminalEcho,
} from '../functions/worker/output-capture.ts';
import type { Peer } from './peer.ts';

/**
 * What node calls printed on the peer that ran them, for their submitter: a `noob peer`
 * captures each call's output (bounded per call, as a queue worker does) and keeps it by
 * task CID, served over the block protocol under `output/<task CID>`. The output is not
 * part of the outcome block: two honest executors print at different times (and may print
 * different things), and their result CIDs must still agree. So it is what the executor
 * says it printed, checked by nothing but its size.
 */

/** The block protocol name a call's output is served under (then the task's CID). */
export const OUTPUT_PREFIX = 'output/';
/** Calls whose output a peer keeps (oldest forgotten first). */
const MAX_KEPT_CALLS = 2_000;

/** One peer's captured outputs, by task CID. */
export class CallOutputs {
  readonly #kept = new Map<string, Uint8Array>();
  readonly #maxBytes: number;

  constructor(maxBytes = defaultMaxLogBytes()) {
    this.#maxBytes = maxBytes;
  }

  /**
   * `executor`, with each call's output captured (and still shown on this peer's stderr,
   * labelled with the node and epoch) and kept under its task's CID when it printed.
   */
  capturing(executor: Pick<TaskExecutor, 'execute'>): Pick<TaskExecutor, 'execute'> {
    return {
      execute: async (task, signal) => {
        const output = new CallOutput({
          maxBytes: this.#maxBytes,
          label: `[node ${task.nodeId} #${task.epoch}]`,
          echo: terminalEcho,
        });
        try {
          return await captureCall(output, task.type, (enter) =>
            executor.execute(task, signal, enter),
          );
        } finally {
          this.#keep(task.cid, output.close());
        }
      },
    };
  }

  /** Serves the kept outputs on `peer`'s block protocol. */
  serveOn(peer: Peer): void {
    peer.exchange.serve(OUTPUT_PREFIX, (task) => this.#kept.get(task));
  }

  #keep(task: string, chunks: readonly LogChunk[]): void {
    // A call run again (the determinism probe) keeps its last output.
    this.#kept.delete(task);
    if (chunks.length === 0) return;
    this.#kept.set(
      task,
      dagCbor.encode(chunks.map(({ stream, text, at }) => ({ stream, text, at }))),
    );
    if (this.#kept.size > MAX_KEPT_CALLS) this.#kept.delete(this.#kept.keys().next().value!);
  }
}

/**
 * What `executor` says task `task` printed, bounded here as well (the executor is anyone):
 * at most `maxBytes` of text and {@link MAX_LOG_ENTRIES} entries of the expected shape; an
 * answer of another shape is no output. Empty when it printed nothing or is unreachable.
 */
export async function fetchCallOutput(
  peer: Peer,
  executor: string,
  task: string,
  signal: AbortSignal,
  maxBytes = defaultMaxLogBytes(),
): Promise<LogChunk[]> {
  let bytes: Uint8Array | undefined;
  try {
    bytes = await peer.exchange.fetchNamed(
      peerIdFromString(executor),
      `${OUTPUT_PREFIX}${task}`,
      signal,
    );
  } catch {
    // Output is news, not results: an executor gone since it answered leaves none.
    return [];
  }
  if (bytes === undefined) return [];
  let decoded: unknown;
  try {
    decoded = dagCbor.decode(bytes);
  } catch {
    return [];
  }
  if (!Array.isArray(decoded)) return [];
  const chunks: LogChunk[] = [];
  let room = maxBytes;
  for (const entry of decoded.slice(0, MAX_LOG_ENTRIES)) {
    const { stream, text, at } = (entry ?? {}) as Partial<LogChunk>;
    if ((stream !== 'stdout' && stream !== 'stderr') || typeof text !== 'string') return [];
    if (room <= 0) break;
    const kept = fitting(text, room);
    room -= Buffer.byteLength(kept);
    chunks.push({ stream, text: kept, at: typeof at === 'number' ? at : Date.now() });
  }
  return chunks;
}
