import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * For tests of `noob serve` as a real process: start it, talk to its job API, and clean
 * up the processes and folders a test leaves behind ({@link cleanUpServes} after each).
 */

const ROOT = join(import.meta.dirname, '..', '..');
const started: ChildProcess[] = [];
const dirs: string[] = [];

/** A running `noob serve` with what it printed. */
export interface ServeProcess {
  child: ChildProcess;
  /** `http://127.0.0.1:PORT`, from the `serving on` line. */
  url: string;
  /** The API key it printed for tenant `local`. */
  key: string;
  output: string;
  /** What it wrote on stderr so far (deaths and restarts of its processes are said there). */
  stderr: () => string;
  /** The coordinator's and the workers' pids from the `Processes:` line. */
  coordinatorPid: number;
  workerPids: number[];
}

/**
 * Starts `noob serve --port 0 --db DB --workers 2 …args` in the project folder and waits
 * for its banner (it ends with the curl example naming JOB_ID).
 */
export async function startServe(db: string, args: readonly string[] = []): Promise<ServeProcess> {
  const child = spawn(
    process.execPath,
    [join(ROOT, 'bin', 'noob.js'), 'serve', '--port', '0', '--db', db, '--workers', '2', ...args],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  started.push(child);
  let errors = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    errors += chunk.toString();
    process.stderr.write(chunk);
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('JOB_ID')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`noob serve exited with ${code}: ${errors}`)));
  });
  const url = /serving on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)![1]!;
  const key = /API key for tenant "local": (\S+)/.exec(output)![1]!;
  const [, coordinator, workers] = /coordinator (\d+), workers ([\d ]+)/.exec(output)!;
  return {
    child,
    url,
    key,
    output,
    stderr: () => errors,
    coordinatorPid: Number(coordinator),
    workerPids: workers!.trim().split(' ').map(Number),
  };
}

/** A JSON request to the job API with the key; the status and parsed body. */
export async function api(url: string, key: string, path: string, init: RequestInit = {}) {
  const response = await fetch(`${url}${path}`, {
    ...init,
    headers: {
      authorization: `Bearer ${key}`,
      'content-type': 'application/json',
      ...init.headers,
    },
  });
  return { status: response.status, body: (await response.json()) as any };
}

/** Polls `check` (every 50 ms, at most `tries` times) until it returns a value; that value. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
  tries = 1200,
): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`gave up waiting: ${what}`);
}

/** Polls a job until it is final; its status. */
export async function waitForJob(url: string, key: string, id: string) {
  for (let i = 0; i < 1500; i++) {
    const { body } = await api(url, key, `/v1/jobs/${id}`);
    if (['succeeded', 'failed', 'cancelled'].includes(body.state)) return body;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`job ${id} did not finish`);
}

/** A queue database path in a fresh temp folder (removed by {@link cleanUpServes}). */
export function tempDb(): string {
  const dir = mkdtempSync(join(tmpdir(), 'noob-serve-'));
  dirs.push(dir);
  return join(dir, 'noob.db');
}

/** Kills the servers still running (SIGKILL) and removes the temp folders. */
export async function cleanUpServes(): Promise<void> {
  for (const child of started.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
  }
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}
