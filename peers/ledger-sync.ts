import * as Automerge from '@automerge/automerge';
import type { Stream } from '@libp2p/interface';
import { lpStream } from '@libp2p/utils';

/** Largest sync message accepted (a peer far behind gets many changes in one). */
const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
/** Messages each way in one session at most: a session always ends. */
const MAX_ROUNDS = 64;

/** Where a session reads the document from and puts what it learned. */
export interface SyncedDocument<T> {
  get(): Automerge.Doc<T>;
  set(doc: Automerge.Doc<T>): void;
}

/** What one session moved. */
export interface SyncSession {
  /** Bytes this side sent. */
  sent: number;
  /** What this side knows the other has, for the next session with it (encoded). */
  state: Uint8Array;
}

/**
 * One session of Automerge's sync protocol over a libp2p stream: each side sends what
 * the other lacks (changes, found by heads and Bloom filters), not the whole document.
 * The two sides take turns, the opener first; an empty message means "nothing more from
 * me", and a side that receives one with nothing left to send closes the stream, which
 * ends the other's session too. A session starts from what the last one with that peer
 * ended knowing (`known`: the heads both had, as `encodeSyncState` keeps them), so it walks
 * only the changes since; a fresh state walks the whole history. A peer that restarted
 * and lost what it had is still sent it again: the protocol finds heads the other lacks
 * and starts over from nothing.
 */
export async function syncSession<T>(
  stream: Stream,
  doc: SyncedDocument<T>,
  opener: boolean,
  signal?: AbortSignal,
  known?: Uint8Array,
): Promise<SyncSession> {
  const lp = lpStream(stream, { maxDataLength: MAX_MESSAGE_BYTES });
  const options = signal ? { signal } : {};
  let state = known ? Automerge.decodeSyncState(known) : Automerge.initSyncState();
  let sent = 0;
  const send = async (message: Uint8Array | null) => {
    const bytes = message ?? new Uint8Array();
    sent += bytes.byteLength;
    await lp.write(bytes, options);
  };
  const next = () => {
    const [updated, message] = Automerge.generateSyncMessage(doc.get(), state);
    state = updated;
    return message;
  };
  if (opener) await send(next());
  for (let round = 0; round < MAX_ROUNDS; round++) {
    let incoming: Uint8Array;
    try {
      incoming = (await lp.read(options)).subarray();
    } catch (error) {
      // The other side closed: it had nothing more to say.
      if (signal?.aborted) throw error;
      break;
    }
    if (incoming.byteLength > 0) {
      const [updated, updatedState] = Automerge.receiveSyncMessage(doc.get(), state, incoming);
      doc.set(updated);
      state = updatedState;
    }
    const reply = next();
    if (incoming.byteLength === 0 && reply === null) break;
    await send(reply);
  }
  await stream.close(options);
  return { sent, state: Automerge.encodeSyncState(state) };
}
