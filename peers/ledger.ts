import * as Automerge from '@automerge/automerge';
import type { PeerId } from '@libp2p/interface';
import {
  entry,
  entryKey,
  type LedgerDocument,
  readLedger,
  type StoredLedger,
} from './ledger-entries.ts';
import { type SyncSession, syncSession } from './ledger-sync.ts';
import type { TaskMessage } from './messages.ts';
import type { PeerNode } from './node.ts';
import type { Evidence, QuorumObserver } from './quorum-verifier.ts';
import { soon } from './soon.ts';

/** Peers whose sync state is kept, at most (the longest unseen forgotten first). */
const MAX_KNOWN = 1000;

/**
 * The protocol the ledger replicates over. Version 2 stores one scalar per entry
 * ({@link StoredLedger}); a version-1 ledger (nested maps, text) would not merge with it,
 * so the two never meet.
 */
export const LEDGER_PROTOCOL = '/noob/ledger/2.0.0';

export type { LedgerDocument } from './ledger-entries.ts';

/**
 * Every ledger starts from this same first change (fixed actor, time 0), so that ledgers
 * made apart share their root maps and merge key by key instead of one replacing another.
 */
function genesis(): Uint8Array {
  const doc = Automerge.change(
    Automerge.init<StoredLedger>({ actor: '6e6f6f62' }),
    { time: 0, message: 'noob ledger 2' },
    (d) => {
      d.tasks = {};
      d.evidence = {};
    },
  );
  return Automerge.save(doc);
}

/**
 * The peers' shared record of quorum work: claims (announced quorum tasks), commitments,
 * reveals, verdicts and evidence of disagreement, as an Automerge document. A submitter
 * writes what its quorum verifier sees (it is a {@link QuorumObserver}); every `syncMs`,
 * every peer opens a sync session ({@link syncSession}: Automerge's sync protocol, which
 * sends only the changes the other lacks) over {@link LEDGER_PROTOCOL} with each connected
 * peer it has not synced this version with, so ledgers converge after a partition heals
 * (a peer met again after a cut gets the changes made meanwhile).
 */
export class Ledger implements QuorumObserver {
  #doc: Automerge.Doc<StoredLedger>;
  readonly #self: string;
  #node: PeerNode | undefined;
  #timer: NodeJS.Timeout | undefined;
  #syncing = false;
  /**
   * Peers in a session with this one now: no second session is opened beside one (two
   * peers that both changed would each send the other everything twice at once).
   */
  readonly #sessions = new Set<string>();
  /** Our heads when we last exchanged with each peer: unchanged since, nothing to push. */
  readonly #pushed = new Map<string, string>();
  /** Bytes this peer sent in sync sessions (opened or answered). */
  sentBytes = 0;
  /** What the last session with each peer ended knowing it has (encoded sync state). */
  readonly #known = new Map<string, Uint8Array>();
  /** Edits not yet made a change (see {@link Ledger.#change}). */
  #pending: Array<(d: StoredLedger) => void> = [];

  constructor(self: string) {
    this.#self = self;
    this.#doc = Automerge.load<StoredLedger>(genesis());
  }

  /** The document as plain data (decoded from its stored form: claims, commitments, …). */
  get document(): LedgerDocument {
    return readLedger(Automerge.toJS(this.#current()) as StoredLedger);
  }

  /** Serves replication on `node` and syncs with connected peers every `syncMs`. */
  async start(node: PeerNode, syncMs = 1000): Promise<void> {
    this.#node = node;
    await node.handle(LEDGER_PROTOCOL, async (stream, connection) => {
      const id = connection.remotePeer.toString();
      this.#sessions.add(id);
      try {
        const signal = AbortSignal.timeout(10_000);
        this.#count(
          id,
          await syncSession(stream, this.#synced, false, signal, this.#known.get(id)),
        );
      } catch (error) {
        stream.abort(error as Error);
      } finally {
        this.#sessions.delete(id);
      }
    });
    const tick = () => {
      void this.sync().finally(() => {
        if (this.#node) this.#timer = setTimeout(tick, syncMs);
      });
    };
    this.#timer = setTimeout(tick, syncMs);
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#node = undefined;
    this.#current();
  }

  /** Syncs with every connected peer once. */
  async sync(): Promise<void> {
    const node = this.#node;
    if (!node || this.#syncing) return;
    this.#syncing = true;
    try {
      const peers = new Map<string, PeerId>();
      for (const connection of node.getConnections())
        peers.set(connection.remotePeer.toString(), connection.remotePeer);
      const heads = Automerge.getHeads(this.#current()).join();
      await Promise.all(
        [...peers]
          .filter(([id]) => this.#pushed.get(id) !== heads && !this.#sessions.has(id))
          .map(async ([id, peer]) => {
            if (await this.#exchange(node, peer)) this.#pushed.set(id, heads);
          }),
      );
    } finally {
      this.#syncing = false;
    }
  }

  /** One sync session with `peer`; false when it could not be reached. */
  async #exchange(node: PeerNode, peer: PeerId): Promise<boolean> {
    const signal = AbortSignal.timeout(10_000);
    let stream: Awaited<ReturnType<PeerNode['dialProtocol']>> | undefined;
    const id = peer.toString();
    this.#sessions.add(id);
    try {
      stream = await node.dialProtocol(peer, LEDGER_PROTOCOL, { signal });
      this.#count(id, await syncSession(stream, this.#synced, true, signal, this.#known.get(id)));
      return true;
    } catch (error) {
      // Not a noob peer, or gone: the next round tries again.
      stream?.abort(error as Error);
      return false;
    } finally {
      this.#sessions.delete(id);
    }
  }

  /** The document as a sync session reads and updates it. */
  readonly #synced = {
    get: () => this.#current(),
    set: (doc: Automerge.Doc<StoredLedger>) => {
      this.#doc = doc;
    },
  };

  #count(peer: string, session: SyncSession): void {
    this.sentBytes += session.sent;
    this.#known.delete(peer);
    this.#known.set(peer, session.state);
    if (this.#known.size > MAX_KNOWN) this.#known.delete(this.#known.keys().next().value!);
  }

  /**
   * Edits made in one turn of the event loop become one Automerge change: a quorum call
   * writes a claim, k commitments, k reveals and a verdict, and an epoch's calls arrive
   * together. A change per edit made the history (what every sync session walks) grow by
   * thousands of changes a run, and most of a quorum run's CPU went to Automerge.
   */
  #change(edit: (d: StoredLedger) => void): void {
    if (this.#pending.length === 0) soon(() => this.#current());
    this.#pending.push(edit);
  }

  /** The document with every pending edit made (one change for them all). */
  #current(): Automerge.Doc<StoredLedger> {
    if (this.#pending.length > 0) {
      const edits = this.#pending;
      this.#pending = [];
      this.#doc = Automerge.change(this.#doc, (d) => {
        for (const edit of edits) edit(d);
      });
    }
    return this.#doc;
  }

  /** Writes an entry of `task` unless it is there already (entries never change). */
  #write(task: string, key: string, value: unknown): void {
    this.#change((d) => {
      d.tasks[task] ??= {};
      const entries = d.tasks[task];
      if (entries[key] === undefined) entries[key] = entry(value);
    });
  }

  claimed(task: TaskMessage): void {
    if (task.verification.mode !== 'quorum') return;
    const { k, q } = task.verification;
    const { owner, executors } = task;
    this.#write(task.task, entryKey.claim, { owner, executors, k, q, ts: Date.now() });
  }

  committed(task: string, executor: string, commitment: string): void {
    this.#write(task, entryKey.commitment(executor), commitment);
  }

  revealed(task: string, executor: string, result: string, valid: boolean): void {
    this.#write(task, entryKey.reveal(executor), { result, valid });
  }

  decided(task: string, result: string, executors: readonly string[]): void {
    this.#write(task, entryKey.verdict(this.#self), { result, executors });
  }

  evidence(evidence: Evidence): void {
    const key = `${evidence.task}/${evidence.offender}`;
    this.#change((d) => {
      if (d.evidence[key] === undefined) d.evidence[key] = entry(evidence);
    });
  }
}
