/**
 * A Redis server for the BullMQ baseline, from Debian's packages: downloaded with
 * `apt-get download` and unpacked with `dpkg -x` into bench/.cache/redis (no system
 * install), then started on 127.0.0.1 with a throwaway data folder.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CACHE = join(import.meta.dirname, '..', '.cache', 'redis');
const ROOT = join(CACHE, 'root');
const BINARY = join(ROOT, 'usr', 'bin', 'redis-server');
const LIBS = join(ROOT, 'usr', 'lib', 'x86_64-linux-gnu');
const PACKAGES = ['redis-server', 'redis-tools', 'libjemalloc2', 'liblzf1'];

/** Download and unpack redis-server once; returns its path. */
export function ensureRedis(): string {
  if (existsSync(BINARY)) return BINARY;
  const debs = join(CACHE, 'debs');
  mkdirSync(debs, { recursive: true });
  const download = () =>
    execFileSync('apt-get', ['download', ...PACKAGES], { cwd: debs, stdio: 'pipe' });
  try {
    download();
  } catch {
    // A machine whose package lists are empty: fetch them, then try again.
    execFileSync('apt-get', ['update'], { stdio: 'pipe' });
    download();
  }
  for (const deb of readdirSync(debs).filter((file) => file.endsWith('.deb'))) {
    execFileSync('dpkg', ['-x', join(debs, deb), ROOT]);
  }
  if (!existsSync(BINARY)) throw new Error(`unpacking ${PACKAGES.join(', ')} gave no ${BINARY}`);
  return BINARY;
}

/** A running Redis. */
export interface RedisServer {
  port: number;
  /** The server's process id (its CPU can be read from /proc). */
  pid: number;
  stop(): Promise<void>;
}

/**
 * Start Redis on a free loopback port. `durable`: append-only file with `appendfsync
 * always` (every write fsynced before it is acknowledged, as noob's queue does);
 * `'everysec'`: the same file fsynced once a second (a power loss can take the last
 * second's acknowledged writes); otherwise no persistence at all (Redis's fastest setting).
 */
export async function startRedis(durable: boolean | 'everysec'): Promise<RedisServer> {
  const binary = ensureRedis();
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'noob-bench-redis-'));
  const persistence = durable
    ? ['--appendonly', 'yes', '--appendfsync', durable === true ? 'always' : durable, '--save', '']
    : ['--appendonly', 'no', '--save', ''];
  const child: ChildProcess = spawn(
    binary,
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, ...persistence],
    { env: { ...process.env, LD_LIBRARY_PATH: LIBS }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  await new Promise<void>((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk;
      if (output.includes('Ready to accept connections')) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`redis-server exited (${code}): ${output}`)));
  });
  return {
    port,
    pid: child.pid!,
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
