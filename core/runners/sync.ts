import type { Tube } from '../tube/tube.ts';
import { EngineRunner } from './engine-runner.ts';

/**
 * The synchronous runner: every node call runs in this thread, one at a time, epoch by
 * epoch, in dependency order. The reference every other runner is checked against.
 *
 * @example
 * ```ts
 * const runner = new SyncRunner(await loadTube('basic.yaml'));
 * await runner.run(5); // [0, 2, 4, 6, 8]
 * ```
 */
export class SyncRunner extends EngineRunner {
  constructor(tube: Tube) {
    super(tube);
  }
}
