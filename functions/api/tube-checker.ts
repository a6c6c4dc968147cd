import { TubeCheckCache } from './tube-check-cache.ts';
import { TubeCheckPool, type TubeCheckPoolOptions } from './tube-check-pool.ts';
import { summarize, type TubeChecker } from './tube-check-protocol.ts';
import type { TubeSourceOptions } from './tube-source.ts';

/**
 * The job API's tube checker: a {@link TubeCheckPool} (checks on worker threads, bounded
 * in time, memory and turns), unless `options.registry` holds node types registered in
 * code. Those live in this thread only, so such an app checks here, through a
 * {@link TubeCheckCache}, bounded by the tube limits alone (core/tube/limits.ts).
 */
export function tubeChecker(options: TubeSourceOptions, pool?: TubeCheckPoolOptions): TubeChecker {
  if (!options.registry) {
    // Only what a thread can be given: the app's options hold its queue and more.
    const { tubePaths, directory, modules, name } = options;
    const data = { tubePaths, directory, modules, name };
    for (const key of Object.keys(data) as Array<keyof typeof data>) {
      if (data[key] === undefined) delete data[key];
    }
    return new TubeCheckPool(data, pool);
  }
  const cache = new TubeCheckCache(options);
  return {
    check: async (_tenant, tube, inputs) => summarize(await cache.check(tube, inputs)),
    close: async () => undefined,
  };
}
