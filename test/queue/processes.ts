import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';

/** Real worker processes (`test/queue/fixtures/worker.ts`) on Node 22 from node_modules. */

const NODE = resolve(import.meta.dirname, '../../node_modules/.bin/node');
const WORKER = resolve(import.meta.dirname, 'fixtures/worker.ts');

/** A running worker process. */
export interface WorkerProcess {
  child: ChildProcess;
  /** Resolves with the first stdout line starting with `prefix` (rest of the line). */
  line(prefix: string, timeoutMs?: number): Promise<string>;
  /** Resolves when it exits, with its code and all stdout/stderr. */
  exited: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

const running = new Set<ChildProcess>();

/** Start `worker.ts` with these arguments. */
export function startWorker(args: string[]): WorkerProcess {
  const child = spawn(NODE, [WORKER, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let stdout = '';
  let stderr = '';
  const waiters: Array<() => void> = [];
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    for (const wake of waiters.splice(0)) wake();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
    child.once('exit', (code) => {
      running.delete(child);
      for (const wake of waiters.splice(0)) wake();
      done({ code, stdout, stderr });
    });
  });
  const line = async (prefix: string, timeoutMs = 30_000): Promise<string> => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const found = stdout.split('\n').find((l) => l.startsWith(prefix));
      if (found !== undefined) return found.slice(prefix.length).trim();
      if (child.exitCode !== null) break;
      await new Promise<void>((wake) => {
        waiters.push(wake);
        setTimeout(wake, 250);
      });
    }
    throw new Error(
      `worker printed no "${prefix}" line: ${stdout.slice(-500)} ${stderr.slice(-2_000)}`,
    );
  };
  return { child, line, exited };
}

/** SIGKILL every worker still running (afterEach). */
export async function killAll(): Promise<void> {
  await Promise.all(
    [...running].map(
      (child) =>
        new Promise<void>((done) => {
          child.once('exit', () => done());
          child.kill('SIGKILL');
        }),
    ),
  );
}
