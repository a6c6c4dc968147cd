import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UPSTREAM } from '../conformance/suite.ts';
import { startWorkerProcess } from '../conformance/workers.ts';

const ROOT = join(import.meta.dirname, '..', '..');

describe('noob worker --http', () => {
  it('default: a real worker process serves tasks on loopback and exits 0 on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      [
        join(ROOT, 'bin', 'noob.js'),
        'worker',
        '--http',
        '--port',
        '0',
        '--tags',
        'cpu,region:local',
      ],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    try {
      let output = '';
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
          if (match) resolve(match[1]!);
        });
        child.once('exit', (code) => reject(new Error(`worker exited early with ${code}`)));
      });
      expect(await (await fetch(`${url}/healthz`)).json()).toEqual({
        ok: true,
        tags: ['cpu', 'region:local'],
      });
      const response = await fetch(`${url}/v1/tasks`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          cid: 'k',
          type: 'noob.testing.divide',
          inputs: { numerator: 9, denominator: 3 },
        }),
      });
      expect(await response.json()).toEqual({ cid: 'k', outputs: { ratio: 3 }, exhausted: false });
      child.kill('SIGTERM');
      const [code] = await once(child, 'exit');
      expect(code).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('default: noob run --runner http sends the node calls to worker processes', async () => {
    const workers = await Promise.all([startWorkerProcess(), startWorkerProcess()]);
    try {
      const run = spawnSync(
        process.execPath,
        [
          join(ROOT, 'bin', 'noob.js'),
          'run',
          join(UPSTREAM, 'basic', 'basic.yaml'),
          '-n',
          '5',
          '--json',
          '--runner',
          'http',
          '--workers',
          workers.map((w) => w.url).join(','),
          '--balance',
          'least-loaded',
        ],
        { cwd: ROOT, encoding: 'utf8' },
      );
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      expect(run.stdout).toBe('[0,2,4,6,8]\n');
      const loads = await Promise.all(
        workers.map(
          async (w) => ((await (await fetch(`${w.url}/v1/load`)).json()) as any).completed,
        ),
      );
      expect(loads.reduce((a: number, b: number) => a + b, 0)).toBe(10);
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
    }
  });

  it('error: --runner http without workers, or with a bad strategy, exits 2', () => {
    const basic = join(UPSTREAM, 'basic', 'basic.yaml');
    for (const args of [
      ['--runner', 'http'],
      ['--runner', 'http', '--workers', 'ftp://x'],
      ['--runner', 'http', '--workers', 'http://127.0.0.1:1', '--balance', 'fair'],
    ]) {
      const run = spawnSync(
        process.execPath,
        [join(ROOT, 'bin', 'noob.js'), 'run', basic, ...args],
        { cwd: ROOT, encoding: 'utf8' },
      );
      expect(run.status, args.join(' ')).toBe(2);
      expect(run.stderr).toMatch(/noob: /);
    }
  });

  it('error: a bad port, concurrency or lease exits 2', async () => {
    for (const args of [
      ['worker', '--http', '--port', 'abc'],
      ['worker', '--http', '--concurrency', '0'],
      ['worker', '--lease-ms', '5'],
    ]) {
      const child = spawn(process.execPath, [join(ROOT, 'bin', 'noob.js'), ...args], {
        cwd: ROOT,
        stdio: 'ignore',
      });
      const [code] = await once(child, 'exit');
      expect(code, args.join(' ')).toBe(2);
    }
  });
});
