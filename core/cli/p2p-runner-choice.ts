import type { Verification } from '../../peers/messages.ts';
import { P2PRunner } from '../runners/p2p/runner.ts';
import { startSubmitterPeer } from '../runners/p2p/submitter-peer.ts';
import type { Runner } from '../runners/runner.ts';
import type { Tube } from '../tube/tube.ts';
import { UsageError } from './usage.ts';

/** What `noob run --runner p2p` takes. */
export interface P2PChoice {
  /** Multiaddrs of peers to join through, comma-separated (`--bootstrap`). */
  bootstrap?: string | undefined;
  /** `trusted` (default) or `quorum` / `quorum:K/Q` (`--verification`). */
  verification?: string | undefined;
}

/** Reads `--verification`: `trusted`, `quorum` (3 executors, 2 equal) or `quorum:K/Q`. */
export function parseVerification(text: string | undefined): Verification {
  if (text === undefined || text === 'trusted') return { mode: 'trusted' };
  if (text === 'quorum') return { mode: 'quorum', k: 3, q: 2 };
  const match = /^quorum:(\d+)\/(\d+)$/.exec(text);
  const k = Number(match?.[1]);
  const q = Number(match?.[2]);
  if (!match || k < 2 || k > 16 || q < 1 || q > k)
    throw new UsageError(
      `--verification takes trusted, quorum or quorum:K/Q with 2 ≤ K ≤ 16 and 1 ≤ Q ≤ K, got "${text}"`,
    );
  return { mode: 'quorum', k, q };
}

/**
 * The p2p runner for `noob run`: joins the network through `--bootstrap` with a fresh
 * identity that runs no tasks, and leaves it when the run is over.
 */
export async function createP2PRunner(
  tube: Tube,
  choice: P2PChoice,
): Promise<{ runner: Runner; close(): Promise<void> }> {
  const bootstrap = (choice.bootstrap ?? '')
    .split(',')
    .map((address) => address.trim())
    .filter(Boolean);
  if (bootstrap.length === 0)
    throw new UsageError(
      '--runner p2p needs --bootstrap ADDR[,ADDR…]: the address of a noob peer (it prints it when it starts)',
    );
  const verification = parseVerification(choice.verification);
  const peer = await startSubmitterPeer(bootstrap);
  return { runner: new P2PRunner(tube, { peer, verification }), close: () => peer.stop() };
}
