import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UPSTREAM } from '../conformance/suite.ts';
import { startWorkerProcess } from '../conformance/workers.ts';
import { writeMarkerFolders } from '../fixtures/module-tubes.ts';
import { noob } from '../fixtures/noob-cli.ts';

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
      const run = noob(
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
      );
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
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
      const run = noob('run', basic, ...args);
      expect(run.code, args.join(' ')).toBe(2);
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

describe('noob worker --allow-modules', () => {
  // Two folders, each with a module that leaves a marker when it is imported.
  const root = join(tmpdir(), `noob-worker-modules-${randomUUID()}`);
  const [inside, outside] = [join(root, 'allowed'), join(root, 'other')] as const;
  beforeAll(() => writeMarkerFolders(root, ['allowed', 'other']));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const postTask = async (url: string, type: string) => {
    const response = await fetch(`${url}/v1/tasks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ cid: `c-${randomUUID()}`, type, inputs: { value: 5 } }),
    });
    return { status: response.status, body: (await response.json()) as any };
  };

  it('behavior: --allow-modules ./DIR: a module outside is a 403 naming type and is never imported; one inside runs', async () => {
    // A relative folder, resolved against the worker's working folder (the project).
    const worker = await startWorkerProcess(['--allow-modules', relative(ROOT, inside)]);
    try {
      const refused = await postTask(worker.url, `${join(outside, 'marker.ts')}#x`);
      expect(refused.status).toBe(403);
      expect(refused.body.error).toMatchObject({
        code: 'module_not_allowed',
        details: { field: 'type', type: `${join(outside, 'marker.ts')}#x` },
      });
      expect(refused.body.error.message).toContain(
        `is in none of the folders allowed for tasks on this worker (allowed: ${inside})`,
      );
      expect(existsSync(join(outside, 'marker.imported'))).toBe(false);

      const ran = await postTask(worker.url, `${join(inside, 'marker.ts')}#x`);
      expect(ran).toMatchObject({ status: 200, body: { outputs: { value: 5 } } });
      expect(existsSync(join(inside, 'marker.imported'))).toBe(true);
    } finally {
      await worker.stop();
    }
  });

  it('behavior: --no-modules refuses every module type; built-ins still run', async () => {
    const worker = await startWorkerProcess(['--no-modules']);
    try {
      const refused = await postTask(worker.url, `${join(outside, 'marker.ts')}#x`);
      expect(refused.status).toBe(403);
      expect(refused.body.error.message).toContain(
        'module types are disabled for tasks on this worker',
      );
      expect(existsSync(join(outside, 'marker.imported'))).toBe(false);
      expect((await postTask(worker.url, 'noob.testing.exclaim')).status).toBe(200);
    } finally {
      await worker.stop();
    }
  });

  it("default: a developer's worker runs their tube's module nodes for noob run --runner http", async () => {
    const worker = await startWorkerProcess();
    try {
      const run = noob(
        'run',
        join(ROOT, 'examples', 'shout', 'shout.yaml'),
        '-n',
        '2',
        '--json',
        '--runner',
        'http',
        '--workers',
        worker.url,
      );
      expect(run.stderr).toBe('');
      expect(JSON.parse(run.stdout)).toEqual([
        { word: 'eye', shouted: 'E!Y!E!' },
        { word: 'able', shouted: 'A!B!L!E!' },
      ]);
    } finally {
      await worker.stop();
    }
  });

  it('error: a worker listening beyond loopback without a module choice, or with two, exits 2', async () => {
    for (const [args, message] of [
      [
        ['--http', '--host', '0.0.0.0', '--port', '0'],
        /listening on 0\.0\.0\.0 can be reached by others/,
      ],
      [['--no-modules', '--allow-modules'], /--no-modules and --allow-modules contradict/],
      [['--allow-modules', 'a,,b'], /--allow-modules takes nothing/],
    ] as const) {
      const run = noob('worker', ...args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toMatch(message);
    }
  });
});
