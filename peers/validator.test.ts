import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import { gossipsub, StrictNoSign } from '@libp2p/gossipsub';
import { identify } from '@libp2p/identify';
import { tcp } from '@libp2p/tcp';
import { createLibp2p, type Libp2p } from 'libp2p';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cidOf } from '../core/cid.ts';
import { encodeBatches } from './batch.ts';
import { encodeMessage, PRESENCE_TOPIC, RESULTS_TOPIC, TASKS_TOPIC } from './messages.ts';
import type { Peer } from './peer.ts';
import { startTestPeer } from './test-peer.fixture.ts';

const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(stops.splice(0).map((stop) => stop()));
});

const startPeer = (bootstrap: string[] = []) => startTestPeer(stops, { bootstrap });

/** Waits until `from` is connected to `to` and has a mesh, so a publish reaches it. */
async function meshed(from: Peer, to: Peer) {
  await vi.waitFor(
    () => {
      expect(from.connections()).toContain(to.peerId);
      expect(from.health().mesh[TASKS_TOPIC]).toBeGreaterThan(0);
    },
    { timeout: 10_000, interval: 50 },
  );
}

const rejected = (peer: Peer, reason: string) =>
  peer.metrics.gauge({ name: 'noob_peer_messages_rejected_total', help: '' }).get({ reason });

describe('topic validators', () => {
  it('error: malformed (a payout address not checksummed too), oversized, stale, replayed and forged messages are rejected, counted and cost the sender reputation', async () => {
    const victim = await startPeer();
    const attacker = await startPeer(victim.addresses);
    await meshed(attacker, victim);
    // (The attacker's own announcements name no payout address.)
    const payouts: string[] = [];
    victim.on('presence', (message) => {
      if (message.payout) payouts.push(message.payout);
    });
    const publish = (topic: string, data: Uint8Array) =>
      attacker.node.services.pubsub.publish(topic, data);
    const payout = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
    const presence = (peer: string, ts = Date.now(), address = payout) =>
      encodeMessage(
        { kind: 'presence', peer, addrs: [], tags: [], quorum: false, payout: address },
        ts,
      );

    await publish(PRESENCE_TOPIC, new TextEncoder().encode('{"not": "a message"'));
    await publish(PRESENCE_TOPIC, new Uint8Array(20 * 1024).fill(123));
    await publish(PRESENCE_TOPIC, presence(attacker.peerId, Date.now() - 10 * 60_000));
    await publish(PRESENCE_TOPIC, presence(victim.peerId));
    await publish(TASKS_TOPIC, presence(attacker.peerId)); // right schema, wrong topic
    // A payout address not in its checksummed spelling.
    await publish(PRESENCE_TOPIC, presence(attacker.peerId, Date.now(), payout.toLowerCase()));
    const once = presence(attacker.peerId);
    await publish(PRESENCE_TOPIC, once);
    await publish(PRESENCE_TOPIC, once); // the same bytes again, under a new sequence number

    await vi.waitFor(
      () => {
        expect(rejected(victim, 'malformed')).toBe(3);
        expect(rejected(victim, 'oversized')).toBe(1);
        expect(rejected(victim, 'stale')).toBe(1);
        expect(rejected(victim, 'forged')).toBe(1);
        expect(rejected(victim, 'replayed')).toBe(1);
      },
      { timeout: 5000, interval: 50 },
    );
    expect(victim.reputation.score(attacker.peerId)).toBeLessThan(0);
    expect(victim.metrics.render()).toContain(
      'noob_peer_messages_rejected_total{reason="replayed"} 1',
    );
    // The one valid presence got through, with its payout address.
    expect(victim.directory.get(attacker.peerId)).toBeDefined();
    expect(payouts).toEqual([payout]);
  });

  it('behavior: a batch reaches handlers message by message; one forged or misplaced message refuses the whole batch', async () => {
    const victim = await startPeer();
    const attacker = await startPeer(victim.addresses);
    await meshed(attacker, victim);
    const heard: string[] = [];
    victim.on('working', (message) => heard.push(message.task));
    const task = (i: number) => cidOf({ batch: i }).toString();
    const working = (i: number, executor = attacker.peerId) =>
      ({ kind: 'working', task: task(i), executor }) as const;
    const publish = (...data: Uint8Array[]) =>
      Promise.all(data.map((one) => attacker.node.services.pubsub.publish(RESULTS_TOPIC, one)));

    await publish(...encodeBatches([working(1), working(2), working(3)]));
    await publish(...encodeBatches([working(4), working(5, victim.peerId)]));
    await publish(
      ...encodeBatches([
        working(6),
        { kind: 'presence', peer: attacker.peerId, addrs: [], tags: [], quorum: false },
      ]),
    );

    await vi.waitFor(
      () => {
        expect(rejected(victim, 'forged')).toBe(1);
        expect(rejected(victim, 'malformed')).toBe(1);
      },
      { timeout: 5000, interval: 50 },
    );
    expect(heard).toEqual([task(1), task(2), task(3)]);
  });

  it('error: unsigned messages are rejected by the router and counted', async () => {
    const victim = await startPeer();
    const unsigned: Libp2p<{ pubsub: ReturnType<ReturnType<typeof gossipsub>> }> =
      await createLibp2p({
        addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
        transports: [tcp()],
        connectionEncrypters: [noise()],
        streamMuxers: [yamux()],
        services: {
          identify: identify(),
          pubsub: gossipsub({
            globalSignaturePolicy: StrictNoSign,
            allowPublishToZeroTopicPeers: true,
          }),
        },
      });
    stops.push(async () => {
      await unsigned.stop();
    });
    unsigned.services.pubsub.subscribe(PRESENCE_TOPIC);
    await unsigned.dial(victim.node.getMultiaddrs()[0]!);
    await vi.waitFor(
      () => expect(unsigned.services.pubsub.getSubscribers(PRESENCE_TOPIC).length).toBe(1),
      { timeout: 10_000, interval: 50 },
    );
    await unsigned.services.pubsub.publish(
      PRESENCE_TOPIC,
      encodeMessage({ kind: 'presence', peer: victim.peerId, addrs: [], tags: [], quorum: false }),
    );
    await vi.waitFor(
      () =>
        expect(victim.metrics.render()).toMatch(
          /gossipsub_msg_received_invalid_total\{error="[^"]+"\} 1/,
        ),
      { timeout: 5000, interval: 50 },
    );
  });
});
