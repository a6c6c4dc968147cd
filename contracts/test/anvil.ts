/**
 * Starts a fresh local anvil chain for a test suite or a benchmark: bound to 127.0.0.1 on
 * a free port, ready once it answers JSON-RPC, stopped by `stop()`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const anvilBin = fileURLToPath(new URL('../../node_modules/.bin/anvil', import.meta.url));

/** A running anvil. */
export interface Anvil {
  readonly rpcUrl: string;
  readonly port: number;
  /** Stops the process and waits for it to exit. */
  stop(): Promise<void>;
}

/** Options for `startAnvil`. */
export interface AnvilOptions {
  /** Funded dev accounts (anvil's default mnemonic); 10 by default. */
  readonly accounts?: number;
  /** Gives up waiting for readiness after this many milliseconds (30 s by default). */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not pick a free port'));
      });
    });
  });
}

async function rpcReady(rpcUrl: string): Promise<boolean> {
  try {
    const response = await fetch(rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
    });
    return response.ok;
  } catch {
    return false;
  }
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Starts anvil and resolves once its RPC answers. */
export async function startAnvil(options: AnvilOptions = {}): Promise<Anvil> {
  const port = await freePort();
  const rpcUrl = `http://127.0.0.1:${port}`;
  const args = [
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    '--accounts',
    String(options.accounts ?? 10),
  ];
  // Through the project's Node: the npm wrapper picks the platform binary and forwards signals.
  const child = spawn(process.execPath, [anvilBin, ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  // If the test process dies without tearing down, take anvil with it.
  const onExit = () => child.kill('SIGTERM');
  process.once('exit', onExit);
  const stop = async () => {
    process.off('exit', onExit);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited(child);
  };

  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  while (!(await rpcReady(rpcUrl))) {
    if (child.exitCode !== null || options.signal?.aborted || Date.now() > deadline) {
      await stop();
      throw new Error(`anvil did not become ready on ${rpcUrl}: ${stderr.trim() || 'no output'}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { rpcUrl, port, stop };
}
