import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import type { ModulePolicy } from '../../core/node/module-policy.ts';
import { NOOB_BIN as BIN } from '../../core/package-layout.ts';

/** How one worker process ended. */
export interface WorkerExit {
  pid: number;
  /** Its exit code (0 after a clean stop), or null when a signal ended it. */
  code: number | null;
  /** The signal that ended it (`SIGKILL` when it did not stop within the grace period). */
  signal: NodeJS.Signals | null;
}

/** A pool of `noob worker --db` processes pulling from one queue. */
export interface WorkerPool {
  /** Process ids of the workers. */
  readonly pids: number[];
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
}

/**
 * Starts `count` worker processes on the queue at `db` and waits until each pulls from it.
 * Separate processes, so node calls use the machine's cores and never block the API.
 */
export async function startWorkerPool(
  db: string,
  count: number,
  options: WorkerPoolOptions = {},
): Promise<WorkerPool> {
  const tags = options.tags ?? [];
  const modules = moduleFlags(options.modules ?? 'deny');
  const children: ChildProcess[] = [];
  const started = Array.from({ length: count }, () => {
    const args = [
      BIN,
      'worker',
      '--db',
      db,
      ...(tags.length ? ['--tags', tags.join(',')] : []),
      ...modules,
    ];
    // The IPC channel tells a worker when this process is gone (see `noob worker`).
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
    children.push(child);
    return new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('pulling from')) resolve();
      });
      child.once('exit', (code) =>
        reject(new Error(`a worker exited with ${code} before pulling from the queue`)),
      );
    });
  });
  try {
    await Promise.all(started);
  } catch (error) {
    for (const child of children) child.kill('SIGKILL');
    throw error;
  }
  return {
    pids: children.map((child) => child.pid!),
    async stop(graceMs = 10_000) {
      return Promise.all(
        children.map(async (child): Promise<WorkerExit> => {
          if (child.exitCode === null && child.signalCode === null) {
            const exited = once(child, 'exit');
            child.kill('SIGTERM');
            const timer = setTimeout(() => {
              process.stderr.write(
                `noob serve: worker ${child.pid} did not stop within ${graceMs} ms of SIGTERM; killing it\n`,
              );
              child.kill('SIGKILL');
            }, graceMs);
            await exited;
            clearTimeout(timer);
          }
          return { pid: child.pid!, code: child.exitCode, signal: child.signalCode };
        }),
      );
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
