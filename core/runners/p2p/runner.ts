import type { Tube } from '../../tube/tube.ts';
import { EngineRunner } from '../engine-runner.ts';
import { PeerExecutor, type PeerExecutorOptions } from './executor.ts';

/** How the p2p runner uses the network. */
export interface P2PRunnerOptions extends PeerExecutorOptions {
  /** Calls in flight at once within an epoch (default 32). */
  maxInFlight?: number;
}

/**
 * The p2p runner: stateless node calls run on `noob peer` processes chosen by rendezvous
 * hashing, with no coordinator; the scheduler and stateful nodes stay here. Results match
 * the sync runner's. With `verification: { mode: 'quorum', k, q }` a call is accepted only
 * when q of k executors committed to, then revealed, the same result CID.
 *
 * @example
 * ```ts
 * const peer = new Peer({ privateKey, bootstrap: ['/ip4/127.0.0.1/tcp/4001/p2p/12D3…'], executes: false });
 * await peer.start();
 * const runner = new P2PRunner(tube, { peer });
 * await runner.run(10);
 * ```
 */
export class P2PRunner extends EngineRunner {
  constructor(tube: Tube, options: P2PRunnerOptions) {
    super(tube, { executor: new PeerExecutor(options), maxInFlight: options.maxInFlight ?? 32 });
  }
}
