import { TubeCheckAnswers } from './tube-check-answers.ts';
import { TubeCheckCache } from './tube-check-cache.ts';
import { TubeCheckPool, type TubeCheckPoolOptions } from './tube-check-pool.ts';
import { summarize, type TubeChecker } from './tube-check-protocol.ts';
import type { TubeSourceOptions } from './tube-source.ts';

/**
 * The job API's tube checker: a {@link TubeCheckPool} (checks on worker threads, bounded
 * in time, memory and turns) whose answers are given again from {@link TubeCheckAnswers},
 * unless `options.registry` holds node types registered in
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
    // A tube already checked is answered on this thread, without the trip to a thread.
    return new TubeCheckAnswers(withFallback(new TubeCheckPool(data, pool), options));
  }
  return inlineChecker(options);
}

/** Checks in this thread, through a {@link TubeCheckCache}. */
function inlineChecker(options: TubeSourceOptions): TubeChecker {
  const cache = new TubeCheckCache(options);
  return {
    check: async (_tenant, tube, inputs) => summarize(await cache.check(tube, inputs)),
    close: async () => undefined,
  };
}

/**
 * The pool, until a thread cannot start (a single-file bundle, such as the API Lambda's,
 * has no thread module beside it): then checks run in this thread from then on, said once
 * on stderr. On Lambda each instance serves one request at a time, so a slow check holds
 * no other tenant's request.
 */
function withFallback(pool: TubeChecker, options: TubeSourceOptions): TubeChecker {
  let inline: TubeChecker | undefined;
  return {
    async check(tenant, tube, inputs) {
      if (inline) return inline.check(tenant, tube, inputs);
      try {
        return await pool.check(tenant, tube, inputs);
      } catch (error) {
        if ((error as Error)?.name !== 'TubeCheckThreadError') throw error;
        if (!inline) {
          process.stderr.write(
            `noob api: ${(error as Error).message}; checking tubes in the API's thread\n`,
          );
          inline = inlineChecker(options);
        }
        return inline.check(tenant, tube, inputs);
      }
    },
    close: () => pool.close(),
  };
}
