/**
 * Publish→receipt latency on a gossipsub network of in-process noob peers, with the
 * topic validators on (size, schema, signer, freshness, replay): each message is a
 * `working` message, published by each peer in turn, and timed at every other peer.
 */
import { generateKeyPair } from '@libp2p/crypto/keys';
import { cidOf } from '../core/cid.ts';
import { Peer } from '../peers/peer.ts';

/** Latency percentiles in milliseconds, and how many receipts never came. */
export interface Latency {
  p50: number;
  p99: number;
  receipts: number;
  missing: number;
}

/** Percentile `p` (0–1) of sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
}

/** Starts `count` peers joined through the first; resolves when each knows all the others. */
async function network(count: number, presenceMs: number): Promise<Peer[]> {
  const start = async (bootstrap: string[]) => {
    const peer = new Peer({
      privateKey: await generateKeyPair('Ed25519'),
      listen: ['/ip4/127.0.0.1/tcp/0'],
      bootstrap,
      presenceMs,
    });
    await peer.start();
    return peer;
  };
  const first = await start([]);
  const peers = [
    first,
    ...(await Promise.all(Array.from({ length: count - 1 }, () => start(first.addresses)))),
  ];
  const deadline = Date.now() + 60_000;
  while (peers.some((peer) => peer.directory.live().length < count - 1)) {
    if (Date.now() > deadline) throw new Error(`the ${count} peers did not all meet within 60 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return peers;
}

/** Measures `messages` publishes on a network of `count` peers; stops the peers. */
export async function publishLatency(
  count: number,
  messages: number,
  presenceMs = 2000,
): Promise<Latency> {
  const peers = await network(count, presenceMs);
  try {
    const task = cidOf({ bench: 'p2p-latency' }).toString();
    const sent = new Map<string, number>();
    const times: number[] = [];
    let waiting = 0;
    let wake: (() => void) | undefined;
    for (const peer of peers)
      peer.on('working', (message, signer) => {
        const at = sent.get(signer);
        if (message.task !== task || at === undefined) return;
        times.push(performance.now() - at);
        if (--waiting === 0) wake?.();
      });
    let missing = 0;
    for (let i = 0; i < messages; i++) {
      const publisher = peers[i % count]!;
      sent.clear();
      waiting = count - 1;
      const received = new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, 2000);
      });
      sent.set(publisher.peerId, performance.now());
      await publisher.publish({ kind: 'working', task, executor: publisher.peerId });
      await received;
      missing += Math.max(0, waiting);
    }
    times.sort((a, b) => a - b);
    return {
      p50: percentile(times, 0.5),
      p99: percentile(times, 0.99),
      receipts: times.length,
      missing,
    };
  } finally {
    await Promise.all(peers.map((peer) => peer.stop()));
  }
}
