import * as dagCbor from '@ipld/dag-cbor';
import type { PeerId } from '@libp2p/interface';
import {
  answerRequests,
  BlockChannel,
  type Lookup,
  MAX_NAMES_PER_REQUEST,
  type Waiter,
} from './block-stream.ts';
import { type BlockStore, hashesTo, MAX_BLOCK_BYTES } from './blocks.ts';
import { BlockError } from './errors.ts';
import type { PeerMetrics } from './metrics.ts';
import type { PeerNode } from './node.ts';

/** The protocol that serves blocks by CID: one long-lived stream per asker and holder. */
export const BLOCK_PROTOCOL = '/noob/block/2.0.0';

/** Names asked of one holder within one turn of the event loop, sent as one request. */
type Batch = Map<string, Waiter[]>;

/**
 * A peer's side of the block protocol, both ends. As a holder it answers from its
 * {@link BlockStore} (and whatever else is {@link serve}d by prefix). As an asker it keeps
 * one long-lived {@link BlockChannel} per holder, opened at the first fetch and opened
 * again once it died (the connection closed, or the stream sat idle past libp2p's
 * inactivity timeout), so a call on large data costs a request on a stream already open,
 * not a stream negotiation each. Fetches made within one turn of the event loop go to
 * their holder as one request, and a CID already on its way is not asked for twice.
 * Every fetched block is hashed on arrival and kept only if it matches its CID.
 */
export class BlockExchange {
  readonly #node: PeerNode;
  readonly #store: BlockStore;
  readonly #channels = new Map<string, Promise<BlockChannel>>();
  readonly #batches = new Map<string, Batch>();
  readonly #served = new Map<string, Lookup>();
  readonly #opened;
  readonly #fetched;
  readonly #requests;

  constructor(node: PeerNode, store: BlockStore, metrics: PeerMetrics) {
    this.#node = node;
    this.#store = store;
    this.#opened = metrics.gauge({
      name: 'noob_peer_block_streams_opened_total',
      help: 'Block protocol streams opened, by direction (out: this peer asked; in: it was asked)',
    });
    this.#requests = metrics.gauge({
      name: 'noob_peer_block_requests_total',
      help: 'Block requests this peer sent (each names one or more blocks)',
    });
    this.#fetched = metrics.gauge({
      name: 'noob_peer_blocks_fetched_total',
      help: 'Blocks this peer fetched from others and found to hash to their CID',
    });
  }

  /** Starts answering other peers' requests. */
  async start(): Promise<void> {
    await this.#node.handle(BLOCK_PROTOCOL, async (stream) => {
      this.#opened.inc({ direction: 'in' });
      await answerRequests(stream, (name) => this.#lookup(name));
    });
  }

  /** Closes every channel (their pending fetches fail). */
  stop(): void {
    for (const channel of this.#channels.values())
      void channel.then(
        (c) => c.close(),
        () => {},
      );
    this.#channels.clear();
  }

  /**
   * Serves names beginning with `prefix` (not CIDs: `output/…`) from `lookup`; what is
   * served this way is what its holder says, checked by nothing.
   */
  serve(prefix: string, lookup: Lookup): void {
    this.#served.set(prefix, lookup);
  }

  /**
   * A block by CID from `peer` (or from the store, when this peer has it): hash-checked,
   * kept, decoded. Throws {@link BlockError} when the peer does not have it, sends other
   * bytes, or cannot be reached.
   */
  async fetch<T = unknown>(peer: PeerId, cid: string, signal: AbortSignal): Promise<T> {
    const local = this.#store.get<T>(cid);
    if (local !== undefined) return local;
    const bytes = await this.fetchNamed(peer, cid, signal);
    if (bytes === undefined) throw new BlockError(`peer ${peer} does not have block ${cid}`);
    if (!hashesTo(cid, bytes))
      throw new BlockError(`peer ${peer} sent bytes that do not hash to ${cid}: refused`);
    this.#fetched.inc();
    this.#store.keepVerified(cid, bytes);
    return dagCbor.decode<T>(bytes);
  }

  /** What `peer` serves under `name` (a CID, unchecked, or a served prefix's name). */
  fetchNamed(peer: PeerId, name: string, signal: AbortSignal): Promise<Uint8Array | undefined> {
    signal.throwIfAborted();
    const key = peer.toString();
    let batch = this.#batches.get(key);
    if (!batch) {
      const fresh: Batch = new Map();
      this.#batches.set(key, fresh);
      queueMicrotask(() => void this.#send(peer, fresh));
      batch = fresh;
    }
    const answer = new Promise<Uint8Array | undefined>((resolve, reject) => {
      const list = batch.get(name) ?? [];
      list.push({ resolve, reject });
      batch.set(name, list);
    });
    return abortable(answer, signal, () => {
      // A holder that never answers is not waited behind again (see BlockChannel.abandon).
      void this.#channels.get(key)?.then(
        (channel) => channel.abandon(),
        () => {},
      );
      return new BlockError(`fetching ${name} from ${peer} was aborted`);
    });
  }

  /** Sends a turn's names to their holder, on its channel, a request per 64 names. */
  async #send(peer: PeerId, batch: Batch): Promise<void> {
    this.#batches.delete(peer.toString());
    let channel: BlockChannel;
    try {
      channel = await this.#channel(peer);
    } catch (error) {
      for (const list of batch.values()) for (const waiter of list) waiter.reject(error as Error);
      return;
    }
    const names = [...batch.keys()];
    for (let start = 0; start < names.length; start += MAX_NAMES_PER_REQUEST) {
      const answers = channel.request(names.slice(start, start + MAX_NAMES_PER_REQUEST));
      this.#requests.inc();
      for (const [name, answer] of answers)
        for (const waiter of batch.get(name) ?? []) answer.then(waiter.resolve, waiter.reject);
    }
  }

  /** The live channel to `peer`, opened when there is none or the last one died. */
  async #channel(peer: PeerId): Promise<BlockChannel> {
    const key = peer.toString();
    const existing = this.#channels.get(key);
    if (existing) {
      const channel = await existing.catch(() => undefined);
      if (channel && !channel.closed) return channel;
      if (this.#channels.get(key) === existing) this.#channels.delete(key);
    }
    let opening = this.#channels.get(key);
    if (!opening) {
      opening = this.#open(peer);
      this.#channels.set(key, opening);
      // A failed open is not kept: the next fetch tries again.
      opening.catch(() => {
        if (this.#channels.get(key) === opening) this.#channels.delete(key);
      });
    }
    return opening;
  }

  async #open(peer: PeerId): Promise<BlockChannel> {
    try {
      // The protocol's name goes out with the first request (one round trip, not two).
      const stream = await this.#node.dialProtocol(peer, BLOCK_PROTOCOL, {
        signal: AbortSignal.timeout(10_000),
        negotiateFully: false,
      });
      this.#opened.inc({ direction: 'out' });
      return new BlockChannel(stream, peer.toString(), MAX_BLOCK_BYTES);
    } catch (error) {
      throw new BlockError(`could not reach ${peer} for blocks: ${(error as Error).message}`);
    }
  }

  #lookup(name: string): Uint8Array | undefined {
    for (const [prefix, lookup] of this.#served)
      if (name.startsWith(prefix)) return lookup(name.slice(prefix.length));
    return this.#store.bytes(name);
  }
}

/** `promise`, or a rejection with `reason()` as soon as `signal` aborts. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal, reason: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(reason());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
