import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { P2PRunner } from '../../core/runners/p2p/runner.ts';
import { loadTube } from '../../core/tube/load.ts';
import { PEER_HEALTH_COMMAND, PEER_PORTS } from '../../infra/peer-container.ts';
import type { Peer } from '../../peers/peer.ts';
import { startTestPeer } from '../../peers/test-peer.fixture.ts';

/**
 * The peer container without Docker: peers/Dockerfile's two stages done by hand in a
 * temporary folder (the committed sources built and packed as stage 1 does, the tarball
 * installed with stage 2's own RUN line), then its ENTRYPOINT and CMD started, with the
 * container's paths, ports and 0.0.0.0 mapped to a temporary folder, free ports and
 * loopback. The peer must come up, pass the image's HEALTHCHECK and run a tube.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const DOCKERFILE = readFileSync(join(ROOT, 'peers', 'Dockerfile'), 'utf8');
const work = mkdtempSync(join(tmpdir(), 'noob-container-'));
const env = { ...process.env, PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH}` };

/** The JSON-array form of an instruction in the final stage (ENTRYPOINT, CMD, HEALTHCHECK). */
function instruction(name: string): string[] {
  const final = DOCKERFILE.slice(DOCKERFILE.lastIndexOf('\nFROM '));
  const line = final
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .find((text) => text.startsWith(`${name} `));
  if (!line) throw new Error(`peers/Dockerfile has no ${name} in its final stage`);
  return JSON.parse(line.slice(line.indexOf('[')));
}

/** The container's view of the world, mapped onto this machine. */
function mapped(args: readonly string[], srv: string, data: string): string[] {
  return args.map((arg) =>
    arg
      .replaceAll('/srv/', `${srv}/`)
      .replaceAll('/data/', `${data}/`)
      .replaceAll('0.0.0.0', '127.0.0.1')
      .replace(/\/tcp\/\d+/g, '/tcp/0')
      .replace(/^9090$/, '0'),
  );
}

let child: ChildProcess;
let output = '';
let client: Peer;
const stops: Array<() => Promise<void>> = [];

beforeAll(async () => {
  // Stage 1 (COPY . ., build, pack) on the committed sources, the repository's modules linked.
  const src = join(work, 'src');
  mkdirSync(src);
  execFileSync('sh', ['-c', `git -C "${ROOT}" archive HEAD | tar -x -C "${src}"`]);
  execFileSync('ln', ['-s', join(ROOT, 'node_modules'), join(src, 'node_modules')]);
  execFileSync(process.execPath, ['scripts/build.ts'], { cwd: src, env, stdio: 'pipe' });
  const pack = join(work, 'pack');
  mkdirSync(pack);
  execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', pack], {
    cwd: src,
    env,
    stdio: 'pipe',
  });
  const tarball = readdirSync(pack).find((name) => name.endsWith('.tgz'))!;
  // Stage 2: its own RUN line, the tarball where COPY puts it, from npm's cache if it can.
  const srv = join(work, 'srv');
  const data = join(work, 'data');
  mkdirSync(srv);
  mkdirSync(data);
  const run = /\nRUN (npm install [^\n]*)/.exec(
    DOCKERFILE.slice(DOCKERFILE.lastIndexOf('\nFROM ')),
  );
  expect(run?.[1]).toContain('/tmp/noob.tgz');
  const install = run![1]!.split(' && ')[0]!.replace('/tmp/noob.tgz', join(pack, tarball));
  execFileSync('sh', ['-c', `${install} --prefer-offline`], { cwd: srv, env, stdio: 'pipe' });
  // ENTRYPOINT + CMD, as the container starts them.
  const [command, ...args] = mapped(
    [...instruction('ENTRYPOINT'), ...instruction('CMD')],
    srv,
    data,
  );
  child = spawn(command!, args, { cwd: srv, env, stdio: ['ignore', 'pipe', 'inherit'] });
  child.stdout!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  await vi.waitFor(
    () => {
      if (child.exitCode !== null) throw new Error(`the peer exited with ${child.exitCode}`);
      expect(output).toMatch(/health on \S+/);
    },
    { timeout: 60_000, interval: 100 },
  );
  const tcp = /listening on (\/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\/\S+)/.exec(output)![1]!;
  client = await startTestPeer(stops, { bootstrap: [tcp], executes: false });
  await vi.waitFor(() => expect(client.directory.live()).toHaveLength(1), {
    timeout: 30_000,
    interval: 100,
  });
}, 600_000);

afterAll(async () => {
  await Promise.all(stops.map((stop) => stop()));
  if (child && child.exitCode === null) {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
  rmSync(work, { recursive: true, force: true });
});

describe('the peer container (peers/Dockerfile)', () => {
  it('behavior: its entry command starts the packed peer, which keeps its key in /data and passes the HEALTHCHECK', () => {
    expect(existsSync(join(work, 'data', 'peer.key'))).toBe(true);
    const health = /health on (http:\/\/[^/\s]+)/.exec(output)![1]!;
    const port = new URL(health).port;
    const probe = instruction('HEALTHCHECK').map((arg) =>
      arg.replace('127.0.0.1:9090', `127.0.0.1:${port}`),
    );
    expect(() => execFileSync(probe[0]!, probe.slice(1), { env, timeout: 30_000 })).not.toThrow();
  });

  it("error: the browser peer's script is refused with the reason: an installed package cannot bundle it", async () => {
    const health = /health on (http:\/\/[^/\s]+)/.exec(output)![1]!;
    const response = await fetch(`${health}/peer.js`);
    expect(response.status).toBe(503);
    expect(await response.text()).toMatch(/installed package does not carry/);
  });

  it('behavior: the SST and CDK services probe and open what the image does', () => {
    expect(['CMD', ...instruction('HEALTHCHECK')]).toEqual(PEER_HEALTH_COMMAND);
    const exposed = /\nEXPOSE ([\d ]+)\n/.exec(DOCKERFILE)![1]!.split(' ').map(Number);
    expect(exposed).toEqual([...PEER_PORTS]);
    const listen = instruction('CMD')[instruction('CMD').indexOf('--listen') + 1]!;
    expect([...listen.matchAll(/\/tcp\/(\d+)/g)].map((m) => Number(m[1]))).toEqual([...PEER_PORTS]);
  });

  it('behavior: a tube runs on it', async () => {
    const tube = await loadTube(join(import.meta.dirname, 'tubes', 'square.yaml'));
    const runner = new P2PRunner(tube, { peer: client });
    try {
      expect(await runner.run(3)).toEqual([0, 1, 4]);
    } finally {
      await runner.deinit();
    }
  }, 60_000);
});
