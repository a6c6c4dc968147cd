import { generateKeyPair } from '@libp2p/crypto/keys';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { encodeMessage, PRESENCE_TOPIC } from '../../peers/messages.ts';
import { Peer } from '../../peers/peer.ts';
import { type PeerProcess, startPeerProcess } from './peer-process.ts';

/** `noob peer` as an operator runs it: separate processes on 127.0.0.1. */
const running: PeerProcess[] = [];
afterAll(async () => {
  await Promise.all(running.map((peer) => peer.stop()));
});

async function start(options: Parameters<typeof startPeerProcess>[0] = {}) {
  const peer = await startPeerProcess(options);
  running.push(peer);
  return peer;
}

async function health(peer: PeerProcess) {
  const response = await fetch(`${peer.health}/healthz`);
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

/**
 * Waits until every peer's /healthz knows all the others (their presence reached it) and,
 * with `mesh`, has gossipsub mesh peers. A restarted peer is refused in the mesh of those
 * it left for gossipsub's prune backoff (a minute), and hears them by gossip meanwhile.
 */
async function meshFormed(peers: PeerProcess[], mesh = true) {
  await vi.waitFor(
    async () => {
      for (const peer of peers) {
        const { status, body } = await health(peer);
        expect(status).toBe(200);
        expect([...body.known].sort()).toEqual(
          peers
            .filter((p) => p !== peer)
            .map((p) => p.peerId)
            .sort(),
        );
        expect(body.connections).toBeGreaterThan(0);
        if (mesh) expect(body.mesh['noob/tasks/1']).toBeGreaterThan(0);
      }
    },
    { timeout: 20_000, interval: 200 },
  );
}

describe('noob peer processes', () => {
  it('behavior: three peers form a mesh; one restarted with its key keeps its id and rejoins; SIGTERM exits 0', async () => {
    const first = await start();
    const second = await start({ bootstrap: [first.tcp] });
    const third = await start({ bootstrap: [first.tcp] });
    await meshFormed([first, second, third]);

    expect(await third.stop()).toBe(0);
    running.splice(running.indexOf(third), 1);
    const again = await start({ key: third.key, bootstrap: [first.tcp] });
    expect(again.peerId).toBe(third.peerId);
    await meshFormed([first, second, again], false);
    const metrics = await (await fetch(`${first.health}/metrics`)).text();
    expect(metrics).toContain('noob_peer_messages_accepted_total{topic="noob/presence/1"}');
  }, 60_000);

  it('error: a malformed and a replayed message to a peer process are rejected and counted in /metrics', async () => {
    const target = await start();
    const attacker = new Peer({
      privateKey: await generateKeyPair('Ed25519'),
      listen: ['/ip4/127.0.0.1/tcp/0'],
      bootstrap: [target.tcp],
      executes: false,
    });
    await attacker.start();
    try {
      await vi.waitFor(() => expect(attacker.health().mesh[PRESENCE_TOPIC]).toBeGreaterThan(0), {
        timeout: 10_000,
        interval: 50,
      });
      const pubsub = attacker.node.services.pubsub;
      await pubsub.publish(PRESENCE_TOPIC, new TextEncoder().encode('garbage'));
      const once = encodeMessage({
        kind: 'presence',
        peer: attacker.peerId,
        addrs: [],
        tags: [],
        quorum: false,
      });
      await pubsub.publish(PRESENCE_TOPIC, once);
      await pubsub.publish(PRESENCE_TOPIC, once);
      await vi.waitFor(
        async () => {
          const metrics = await (await fetch(`${target.health}/metrics`)).text();
          expect(metrics).toContain('noob_peer_messages_rejected_total{reason="malformed"} 1');
          expect(metrics).toContain('noob_peer_messages_rejected_total{reason="replayed"} 1');
          expect(metrics).toMatch(
            new RegExp(`noob_peer_reputation\\{peer="${attacker.peerId}"\\} -2`),
          );
        },
        { timeout: 10_000, interval: 100 },
      );
    } finally {
      await attacker.stop();
    }
  }, 60_000);
});
