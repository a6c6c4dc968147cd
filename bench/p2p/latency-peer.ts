/**
 * One peer of bench p2p's latency network: it joins through `bootstrap`, says when it
 * knows every other peer and has a mesh, publishes a `working` message when told, and
 * reports the time of each one it receives. Times are the host's clock in milliseconds
 * with microseconds (`performance.timeOrigin + performance.now()`), so they compare
 * across processes. Run as a program (by `bench/p2p-latency.ts`, with an IPC channel and
 * `--peers N --bootstrap ADDR`) it is a peer in a process of its own.
 */
import { parseArgs } from 'node:util';
import { generateKeyPair } from '@libp2p/crypto/keys';
import { RESULTS_TOPIC } from '../../peers/messages.ts';
import { Peer } from '../../peers/peer.ts';

/** What a latency peer is told. */
export type LatencyCommand = { publish: string } | { stop: true };

/** What a latency peer reports. */
export type LatencyReport =
  | { started: { peerId: string; addresses: string[] } }
  | { ready: true }
  | { sent: string; at: number }
  | { received: string; at: number };

const clock = () => performance.timeOrigin + performance.now();

/** Starts a latency peer that reports to `report`; returns what it is told with. */
export async function startLatencyPeer(
  peers: number,
  bootstrap: string,
  report: (message: LatencyReport) => void,
): Promise<(command: LatencyCommand) => Promise<void>> {
  const peer = new Peer({
    privateKey: await generateKeyPair('Ed25519'),
    listen: ['/ip4/127.0.0.1/tcp/0'],
    bootstrap: bootstrap ? [bootstrap] : [],
  });
  await peer.start();
  peer.on('working', (message) => report({ received: message.task, at: clock() }));
  report({ started: { peerId: peer.peerId, addresses: peer.addresses } });
  void (async () => {
    // Ready once it knows every other peer and forwards to some of them (its mesh formed).
    const deadline = Date.now() + 60_000;
    while (peer.directory.live().length < peers - 1 || peer.mesh(RESULTS_TOPIC).length === 0) {
      if (Date.now() > deadline || !peer.started) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    report({ ready: true });
  })();
  return async (command) => {
    if ('stop' in command) return peer.stop();
    const at = clock();
    await peer.publish({ kind: 'working', task: command.publish, executor: peer.peerId });
    report({ sent: command.publish, at });
  };
}

if (import.meta.main && process.send) {
  const { values } = parseArgs({
    options: { bootstrap: { type: 'string', default: '' }, peers: { type: 'string' } },
  });
  const tell = await startLatencyPeer(Number(values.peers), values.bootstrap, (message) =>
    process.send!(message),
  );
  process.on('message', async (command: LatencyCommand) => {
    await tell(command);
    if ('stop' in command) process.exit(0);
  });
  // The parent gone: nothing left to measure for.
  process.on('disconnect', () => process.exit(0));
}
