import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PeerProcess, startPeerProcesses } from './peer-process.ts';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');
const SQUARE = join(import.meta.dirname, 'tubes', 'square.yaml');

/** `noob run --runner p2p` against three `noob peer` processes, as the README shows. */
let peers: PeerProcess[] = [];
beforeAll(async () => {
  peers = await startPeerProcesses(3);
}, 60_000);
afterAll(async () => {
  await Promise.all(peers.map((peer) => peer.stop()));
});

const noobRun = (...args: string[]) =>
  run(process.execPath, [join(ROOT, 'bin', 'noob.js'), 'run', SQUARE, ...args], {
    cwd: ROOT,
    timeout: 60_000,
  });

describe('noob run --runner p2p', () => {
  it('behavior: trusted and quorum:3/2 runs on three peer processes print the sync results', async () => {
    const bootstrap = peers.map((peer) => peer.tcp).join(',');
    const trusted = await noobRun('-n', '4', '--runner', 'p2p', '--bootstrap', bootstrap, '--json');
    expect(JSON.parse(trusted.stdout)).toEqual([0, 1, 4, 9]);
    const quorum = await noobRun(
      '-n',
      '4',
      '--runner',
      'p2p',
      '--bootstrap',
      bootstrap,
      '--verification',
      'quorum:3/2',
      '--json',
    );
    expect(JSON.parse(quorum.stdout)).toEqual([0, 1, 4, 9]);
  }, 120_000);

  it('error: --runner p2p without --bootstrap, or a bad --verification, is a usage error (exit 2)', async () => {
    const missing = await noobRun('--runner', 'p2p').catch((error) => error);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--runner p2p needs --bootstrap/);
    const bad = await noobRun(
      '--runner',
      'p2p',
      '--bootstrap',
      peers[0]!.tcp,
      '--verification',
      'quorum:1/5',
    ).catch((error) => error);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--verification takes trusted, quorum or quorum:K\/Q/);
  }, 60_000);
});
