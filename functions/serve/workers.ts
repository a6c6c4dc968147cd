import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'noob.js');

/** A pool of `noob worker --db` processes pulling from one queue. */
export interface WorkerPool {
  /** Process ids of the workers. */
  readonly pids: number[];
  /** SIGTERM to every worker (they finish their calls), SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Starts `count` worker processes on the queue at `db` and waits until each pulls from it.
 * Separate processes, so node calls use the machine's cores and never block the API.
 */
export async function startWorkerPool(
  db: string,
  count: number,
  tags: readonly string[] = [],
): Promise<WorkerPool> {
  const children: ChildProcess[] = [];
  const started = Array.from({ length: count }, () => {
    const args = [BIN, 'worker', '--db', db, ...(tags.length ? ['--tags', tags.join(',')] : [])];
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
      await Promise.all(
        children.map(async (child) => {
          if (child.exitCode !== null || child.signalCode !== null) return;
          const exited = once(child, 'exit');
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
          await exited;
          clearTimeout(timer);
        }),
      );
    },
  };
}
