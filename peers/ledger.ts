import * as Automerge from '@automerge/automerge';
import type { PeerId } from '@libp2p/interface';
import {
  entry,
  type LedgerDocument,
  readLedger,
  type StoredLedger,
  shardOf,
  shards,
  type TaskEntries,
} from './ledger-entries.ts';
import { type SyncSession, syncSession } from './ledger-sync.ts';
import { nonce, type TaskMessage } from './messages.ts';
import type { PeerNode } from './node.ts';
import type { Evidence, QuorumObserver } from './quorum-verifier.ts';

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
      for (const shard of shards()) d.tasks[shard] = {};
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
  /** What was learned since the last write, by task (see {@link Ledger.#current}). */
  #pending = new Map<string, TaskEntries>();
  /** Evidence since the last write, by `<task>/<offender>`. */
  #pendingEvidence = new Map<string, Evidence>();

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

  /** What this peer learned of `task` since its last write, to be written with it. */
  #learn(task: string, add: (entries: TaskEntries) => void): void {
    let entries = this.#pending.get(task);
    if (!entries) {
      entries = {};
      this.#pending.set(task, entries);
    }
    add(entries);
  }

  /**
   * The document with what was learned since the last write written, as one change: each
   * task's new entries as one scalar ({@link StoredLedger}), each piece of evidence as
   * another. Called before each sync session (so every `syncMs` at most, or when a peer
   * opens one), when the document is read and on stop: a quorum call's claim,
   * commitments, reveals and verdict, learned within a second or two, are one or two
   * operations instead of eight.
   */
  #current(): Automerge.Doc<StoredLedger> {
    if (this.#pending.size === 0 && this.#pendingEvidence.size === 0) return this.#doc;
    const tasks = this.#pending;
    const evidence = this.#pendingEvidence;
    this.#pending = new Map();
    this.#pendingEvidence = new Map();
    this.#doc = Automerge.change(this.#doc, (d) => {
      for (const [task, entries] of tasks) {
        const shard = d.tasks[shardOf(task)];
        if (shard) shard[`${task}/${this.#self}/${nonce()}`] = entry(entries);
      }
      for (const [key, value] of evidence)
        if (d.evidence[key] === undefined) d.evidence[key] = entry(value);
    });
    return this.#doc;
  }

  claimed(task: TaskMessage): void {
    if (task.verification.mode !== 'quorum') return;
    const { k, q } = task.verification;
    const { owner, executors } = task;
    this.#learn(task.task, (entries) => {
      entries.claim ??= { owner, executors: [...executors], k, q, ts: Date.now() };
    });
  }

  committed(task: string, executor: string, commitment: string): void {
    this.#learn(task, (entries) => {
      entries.commitments ??= {};
      entries.commitments[executor] ??= commitment;
    });
  }

  revealed(task: string, executor: string, result: string, valid: boolean): void {
    this.#learn(task, (entries) => {
      entries.reveals ??= {};
      entries.reveals[executor] ??= { result, valid };
    });
  }

  decided(task: string, result: string, executors: readonly string[]): void {
    this.#learn(task, (entries) => {
      entries.verdicts ??= {};
      entries.verdicts[this.#self] ??= { result, executors: [...executors] };
    });
  }

  evidence(evidence: Evidence): void {
    const key = `${evidence.task}/${evidence.offender}`;
    if (!this.#pendingEvidence.has(key)) this.#pendingEvidence.set(key, evidence);
  }
}
