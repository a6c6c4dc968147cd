import type { SignedMessage } from '@libp2p/gossipsub';
import type { ConnectionGater, PrivateKey } from '@libp2p/interface';
import { peerIdFromString } from '@libp2p/peer-id';
import { multiaddr } from '@multiformats/multiaddr';
import { decodeMessages } from './batch.ts';
import { Batcher } from './batcher.ts';
import { BlockExchange } from './block-exchange.ts';
import { BlockStore } from './blocks.ts';
import { PeerDirectory } from './directory.ts';
import { PeerError } from './errors.ts';
import { Ledger } from './ledger.ts';
import {
  type MessageBody,
  type PeerMessage,
  PRESENCE_TOPIC,
  type PresenceMessage,
  TOPICS,
} from './messages.ts';
import { PeerMetrics } from './metrics.ts';
import { createPeerNode, type PeerNode } from './node.ts';
import type { PayoutSigner } from './payout.ts';
import { Reputation } from './reputation.ts';
import { createValidator } from './validator.ts';

/** How a {@link Peer} starts. */
export interface PeerOptions {
  privateKey: PrivateKey;
  /** Multiaddrs to listen on (default: TCP and WebSockets on 127.0.0.1, free ports). */
  listen?: readonly string[];
  /** Multiaddrs of peers to join through. */
  bootstrap?: readonly string[];
  /** What this peer offers (matched against tasks' required tags). */
  tags?: readonly string[];
  /** Whether this peer runs tasks (announces itself to submitters). Default true. */
  executes?: boolean;
  /** How far a message's time may be from ours (ms, default 30 s). */
  freshnessMs?: number;
  /** How often the ledger is exchanged with connected peers (ms, default 1 s). */
  ledgerSyncMs?: number;
  /** How often presence is announced (ms, default 2 s); a peer silent 5 times this is gone. */
  presenceMs?: number;
  connectionGater?: ConnectionGater;
  /**
   * The account this peer is paid to: announced in its presence, and signing each of its
   * answers (see peers/payout.ts). Without it the peer runs tasks unpaid.
   */
  payout?: PayoutSigner;
}

type Handler<K extends PeerMessage['kind']> = (
  message: Extract<PeerMessage, { kind: K }>,
  signer: string,
  /**
   * The gossip message as signed (data, signature, key), the batch it came in if it did:
   * evidence a third party can check.
   */
  signed: SignedMessage,
) => void;

/** The default listen addresses: loopback only, ports chosen by the system. */
export const DEFAULT_LISTEN = ['/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/tcp/0/ws'];

/**
 * A noob peer on the libp2p network: its node, the blocks it holds and serves, what it
 * knows of other peers (presence), their reputation, and its metrics. What it does with
 * tasks is added on top ({@link TaskWorker}, the p2p runner).
 *
 * @example
 * ```ts
 * const peer = new Peer({ privateKey: await loadOrCreateKey('.noob/peer.key') });
 * await peer.start();
 * console.log(peer.peerId, peer.addresses);
 * await peer.stop();
 * ```
 */
export class Peer {
  readonly metrics = new PeerMetrics();
  readonly blocks = new BlockStore();
  readonly reputation = new Reputation(this.metrics);
  readonly directory: PeerDirectory;
  quorumEligible = false;
  readonly #options: PeerOptions;
  readonly #handlers = new Map<
    string,
    Array<(message: PeerMessage, signer: string, signed: SignedMessage) => void>
  >();
  #node: PeerNode | undefined;
  #ledger: Ledger | undefined;
  #exchange: BlockExchange | undefined;
  #timer: NodeJS.Timeout | undefined;
  #started = false;
  readonly #batcher = new Batcher(async (topic, data) => {
    // Stopped in the meantime: nothing goes out, as for a publish after stop.
    if (this.#started && this.#node) await this.#node.services.pubsub.publish(topic, data);
  });

  constructor(options: PeerOptions) {
    this.#options = options;
    this.directory = new PeerDirectory(5 * (options.presenceMs ?? 2000));
  }

  /** The libp2p node (after `start`). */
  get node(): PeerNode {
    if (!this.#node) throw new PeerError('the peer is not started');
    return this.#node;
  }

  /** Fetches blocks from other peers and serves this one's (after `start`). */
  get exchange(): BlockExchange {
    if (!this.#exchange) throw new PeerError('the peer is not started');
    return this.#exchange;
  }

  /** The replicated ledger of quorum work (after `start`). */
  get ledger(): Ledger {
    if (!this.#ledger) throw new PeerError('the peer is not started');
    return this.#ledger;
  }

  get peerId(): string {
    return this.node.peerId.toString();
  }

  /** Where others can dial this peer, each ending in `/p2p/<id>`. */
  get addresses(): string[] {
    return this.node.getMultiaddrs().map((address) => address.toString());
  }

  get tags(): readonly string[] {
    return this.#options.tags ?? [];
  }

  /** The account this peer is paid to, signing its answers (undefined: unpaid). */
  get payout(): PayoutSigner | undefined {
    return this.#options.payout;
  }

  get started(): boolean {
    return this.#started;
  }

  /** Starts the node, joins through the bootstrap list and begins announcing itself. */
  async start(): Promise<void> {
    if (this.#node) return;
    const validator = createValidator({
      metrics: this.metrics,
      freshnessMs: this.#options.freshnessMs ?? 30_000,
      onReject: (reason, signer) => {
        if (signer) this.reputation.penalize(signer, reason === 'forged' ? 'forged' : 'invalid');
      },
    });
    const node = await createPeerNode({
      privateKey: this.#options.privateKey,
      listen: this.#options.listen ?? DEFAULT_LISTEN,
      metrics: this.metrics,
      validator,
      appScore: (peer) => this.reputation.score(peer),
      ...(this.#options.connectionGater ? { connectionGater: this.#options.connectionGater } : {}),
    });
    this.#node = node;
    await node.start();
    this.#exchange = new BlockExchange(node, this.blocks, this.metrics);
    await this.#exchange.start();
    this.#ledger = new Ledger(node.peerId.toString());
    await this.#ledger.start(node, this.#options.ledgerSyncMs ?? 1000);
    node.services.pubsub.addEventListener('message', (event) => {
      const message = event.detail;
      if (message.type !== 'signed') return;
      for (const decoded of decodeMessages(message.data) ?? [])
        this.#dispatch(decoded, message.from.toString(), message);
    });
    // A newcomer hears of us at once instead of at our next announcement.
    node.services.pubsub.addEventListener('subscription-change', (event) => {
      if (event.detail.subscriptions.some((s) => s.topic === PRESENCE_TOPIC && s.subscribe))
        void this.#announce();
    });
    this.on('presence', (message) => this.#learn(message));
    for (const topic of TOPICS) node.services.pubsub.subscribe(topic);
    this.#started = true;
    await this.#joinBootstrap();
    const tick = () => {
      void this.#announce();
      void this.#joinBootstrap();
      this.#timer = setTimeout(tick, this.#options.presenceMs ?? 2000);
    };
    this.#timer = setTimeout(tick, this.#options.presenceMs ?? 2000);
  }

  /** Leaves the network: stops announcing, closes connections, stops the node. */
  async stop(): Promise<void> {
    this.#started = false;
    clearTimeout(this.#timer);
    this.#ledger?.stop();
    this.#exchange?.stop();
    const node = this.#node;
    this.#node = undefined;
    await node?.stop();
  }

  /** Calls `handler` for every accepted message of this kind (own ones excluded). */
  on<K extends PeerMessage['kind']>(kind: K, handler: Handler<K>): () => void {
    const list = this.#handlers.get(kind) ?? [];
    list.push(handler as (message: PeerMessage, signer: string, signed: SignedMessage) => void);
    this.#handlers.set(kind, list);
    return () => list.splice(list.indexOf(handler as never), 1);
  }

  /**
   * Publishes a message (its envelope added) on its kind's topic, signed by this peer;
   * what this peer says in the same turn of the event loop goes out batched.
   */
  async publish(body: MessageBody): Promise<void> {
    if (!this.#started) return;
    await this.#batcher.publish(body);
  }

  /** Peers connected now. */
  connections(): string[] {
    return [...new Set(this.node.getConnections().map((c) => c.remotePeer.toString()))];
  }

  /** The `/healthz` body: up, connected, in the mesh. */
  health() {
    const node = this.#node;
    const peers = node ? this.connections() : [];
    return {
      ok: this.#started && node !== undefined,
      peerId: node?.peerId.toString(),
      addresses: node ? this.addresses : [],
      connections: peers.length,
      mesh: node ? Object.fromEntries(TOPICS.map((topic) => [topic, this.mesh(topic).length])) : {},
      known: this.directory.live().map((peer) => peer.id),
    };
  }

  /** The peers this one forwards `topic`'s messages to (its gossipsub mesh). */
  mesh(topic: string): string[] {
    return this.#router().getMeshPeers(topic);
  }

  /** Gossipsub's score of another peer as this one computes it. */
  score(peer: string): number {
    return this.#router().getScore(peer);
  }

  /** The gossipsub router's methods beyond the `GossipSub` interface. */
  #router() {
    return this.node.services.pubsub as unknown as {
      getScore(id: string): number;
      getMeshPeers(topic: string): string[];
    };
  }

  #dispatch(message: PeerMessage, signer: string, signed: SignedMessage): void {
    for (const handler of this.#handlers.get(message.kind) ?? []) {
      try {
        handler(message, signer, signed);
      } catch (error) {
        // console, not process.emitWarning: a browser peer runs this too.
        console.warn(`noob peer: a ${message.kind} handler failed: ${(error as Error).message}`);
      }
    }
  }

  /** Remembers a peer and where to dial it (so blocks can be fetched from it directly). */
  #learn(message: PresenceMessage): void {
    const before = this.directory.get(message.peer)?.addrs;
    this.directory.seen(message);
    // The peer store only when the addresses changed: presence repeats every few seconds
    // from every peer, and each merge is a peer-store write and an update event.
    if (!this.#node || before?.join() === message.addrs.join()) return;
    const addrs = message.addrs.flatMap((text) => {
      try {
        return [multiaddr(text)];
      } catch {
        return [];
      }
    });
    void this.#node.peerStore
      .merge(peerIdFromString(message.peer), { multiaddrs: addrs })
      .catch(() => {});
  }

  async #announce(): Promise<void> {
    if (!this.#started || this.#options.executes === false) return;
    await this.publish({
      kind: 'presence',
      peer: this.peerId,
      addrs: this.node
        .getMultiaddrs()
        .map((a) => a.decapsulateCode(421).toString())
        .slice(0, 16),
      tags: [...this.tags],
      quorum: this.quorumEligible,
      ...(this.payout ? { payout: this.payout.address } : {}),
    }).catch(() => {});
  }

  /** Dials bootstrap peers not connected (again at each announcement, so a restart heals). */
  async #joinBootstrap(): Promise<void> {
    const connected = new Set(this.connections());
    await Promise.all(
      (this.#options.bootstrap ?? []).map(async (text) => {
        const address = multiaddr(text);
        const id = /\/p2p\/([^/]+)/.exec(text)?.[1];
        if (id && (connected.has(id) || id === this.peerId)) return;
        await this.node.dial(address, { signal: AbortSignal.timeout(5000) }).catch(() => {});
      }),
    );
  }
}
