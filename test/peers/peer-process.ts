import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');

/** A `noob peer` process on loopback. */
export interface PeerProcess {
  peerId: string;
  /** Its listen addresses, each ending in /p2p/<id>. */
  addresses: string[];
  /** Its TCP address (for --bootstrap). */
  tcp: string;
  /** Base URL of /healthz and /metrics. */
  health: string;
  key: string;
  child: ChildProcess;
  /** Stops it (SIGTERM, then SIGKILL if it lingers); resolves with its exit code. */
  stop(): Promise<number | null>;
  /** Kills it at once (SIGKILL), as a crash would. */
  kill(): Promise<void>;
}

/** A fresh key file path in a temporary folder (the file is made by the peer). */
export function keyFile(): string {
  return join(mkdtempSync(join(tmpdir(), 'noob-peer-')), 'peer.key');
}

/** Starts `noob peer` with a key file and waits until it prints its addresses. */
export async function startPeerProcess(
  options: {
    key?: string;
    bootstrap?: readonly string[];
    args?: readonly string[];
    /** Variables set for it on top of this process's (a payout key, say). */
    env?: Record<string, string>;
  } = {},
): Promise<PeerProcess> {
  const key = options.key ?? keyFile();
  const child = spawn(
    process.execPath,
    [
      join(ROOT, 'bin', 'noob.js'),
      'peer',
      '--key',
      key,
      '--listen',
      '/ip4/127.0.0.1/tcp/0,/ip4/127.0.0.1/tcp/0/ws',
      ...(options.bootstrap?.length ? ['--bootstrap', options.bootstrap.join(',')] : []),
      ...(options.args ?? ['--allow-modules']),
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...options.env } },
  );
  const output = await new Promise<string>((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error('peer did not start within 30 s')), 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (/health on \S+/.test(text)) {
        clearTimeout(timer);
        resolve(text);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`peer exited with ${code} before it was ready`));
    });
  });
  const addresses = [...output.matchAll(/listening on (\S+)/g)].map((m) => m[1]!);
  const exited = once(child, 'exit');
  return {
    peerId: /noob peer (\S+)/.exec(output)![1]!,
    addresses,
    tcp: addresses.find((a) => !a.includes('/ws'))!,
    health: /health on (http:\/\/[^/\s]+)/.exec(output)![1]!,
    key,
    child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
      return child.exitCode;
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Starts `count` peer processes, the others joining through the first. */
export async function startPeerProcesses(count: number): Promise<PeerProcess[]> {
  const first = await startPeerProcess();
  const others = await Promise.all(
    Array.from({ length: count - 1 }, () => startPeerProcess({ bootstrap: [first.tcp] })),
  );
  return [first, ...others];
}
