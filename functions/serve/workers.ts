import type { ModulePolicy } from '../../core/node/module-policy.ts';
import { NOOB_BIN as BIN } from '../../core/package-layout.ts';
import { type ProcessExit, Supervised, type SupervisedOptions } from './supervisor.ts';

/** How one worker process ended. */
export type WorkerExit = ProcessExit;

/** A pool of `noob worker --db` processes pulling from one queue, each restarted when it dies. */
export interface WorkerPool {
  /** Process ids of the workers up now. */
  readonly pids: number[];
  /** How many workers are up now. */
  readonly alive: number;
  /** How many times workers were restarted after dying. */
  readonly restarts: number;
  /**
   * SIGTERM to every worker (they finish their calls and exit), SIGKILL to any still
   * running after `graceMs` (default 10 s; said on stderr). How each one ended.
   */
  stop(graceMs?: number): Promise<WorkerExit[]>;
}

/** How the pool's workers run. */
export interface WorkerPoolOptions {
  /** Tags every worker offers. */
  tags?: readonly string[];
  /**
   * The module types their tasks may load (default `'deny'`): a task can reach the queue
   * without the API or coordinator, so the workers check it again themselves.
   */
  modules?: ModulePolicy;
  /** Called with a dead worker's queue id (to forget it), before it is restarted. */
  onExit?: SupervisedOptions['onExit'];
  /** Told of deaths and restarts (default: stderr). */
  log?: (line: string) => void;
}

/**
 * Starts `count` worker processes on the queue at `db` and waits until each pulls from it.
 * Separate processes, so node calls use the machine's cores and never block the API. A
 * worker that dies is restarted with backoff (see {@link Supervised}).
 */
export async function startWorkerPool(
  db: string,
  count: number,
  options: WorkerPoolOptions = {},
): Promise<WorkerPool> {
  const tags = options.tags ?? [];
  const modules = moduleFlags(options.modules ?? 'deny');
  const workers = Array.from(
    { length: count },
    (_, i) =>
      new Supervised({
        name: `worker ${i + 1}`,
        args: [
          BIN,
          'worker',
          '--db',
          db,
          ...(tags.length ? ['--tags', tags.join(',')] : []),
          ...modules,
        ],
        ready: /noob worker (\S+) pulling from/,
        ...(options.onExit ? { onExit: options.onExit } : {}),
        ...(options.log ? { log: options.log } : {}),
      }),
  );
  try {
    await Promise.all(workers.map((worker) => worker.start()));
  } catch (error) {
    await Promise.all(workers.map((worker) => worker.stop(0)));
    throw new Error(`a worker exited before pulling from the queue (${(error as Error).message})`);
  }
  return {
    get pids() {
      return workers.flatMap((worker) => (worker.pid === undefined ? [] : [worker.pid]));
    },
    get alive() {
      return workers.filter((worker) => worker.alive).length;
    },
    get restarts() {
      return workers.reduce((sum, worker) => sum + worker.restarts, 0);
    },
    async stop(graceMs = 10_000) {
      const exits = await Promise.all(workers.map((worker) => worker.stop(graceMs)));
      return exits.filter((exit): exit is WorkerExit => exit !== undefined);
    },
  };
}

/** `noob worker`'s flags for a module policy (a list entry cannot hold the comma). */
export function moduleFlags(modules: ModulePolicy): string[] {
  if (modules === 'allow') return ['--allow-modules'];
  if (modules === 'deny' || modules.allow.length === 0) return ['--no-modules'];
  const comma = modules.allow.find((entry) => entry.includes(','));
  if (comma !== undefined)
    throw new TypeError(
      `a worker's --allow-modules cannot name "${comma}": entries are separated by commas`,
    );
  // `=`: a list is never taken for a bare flag, even one starting with "-".
  return [`--allow-modules=${modules.allow.join(',')}`];
}
