import { blake3 } from '@noble/hashes/blake3.js';
import { compareBytes } from './bytes.ts';

/**
 * Rendezvous (highest random weight) hashing: every candidate gets the weight
 * BLAKE3(task CID, peer id), and the task goes to the heaviest. Anyone can recompute the
 * order from the task and the candidates, so no peer chooses its own tasks; when a peer
 * leaves, only its tasks move, each to the next in its order.
 */
export function rendezvousOrder(task: string, peers: readonly string[]): string[] {
  const weighed = peers.map((peer) => ({ peer, weight: weight(task, peer) }));
  weighed.sort((a, b) => compareBytes(b.weight, a.weight) || (a.peer < b.peer ? -1 : 1));
  return weighed.map(({ peer }) => peer);
}

function weight(task: string, peer: string): Uint8Array {
  return blake3(new TextEncoder().encode(`${task}\n${peer}`));
}

/** Whether `order` is the rendezvous order of its own members for `task`. */
export function isRendezvousOrder(task: string, order: readonly string[]): boolean {
  const expected = rendezvousOrder(task, order);
  return expected.every((peer, i) => peer === order[i]);
}
