import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASIC_TUBE } from '../conformance/suite.ts';
import { startWorkerProcess, WORKER_TOKEN } from '../conformance/workers.ts';
import { writeMarkerFolders } from '../fixtures/module-tubes.ts';
import { noob } from '../fixtures/noob-cli.ts';

const ROOT = join(import.meta.dirname, '..', '..');

/** `noob ...args` with the test workers' token in NOOB_WORKER_TOKEN, as a developer runs it. */
function noobWithToken(...args: string[]) {
  const result = spawnSync(process.execPath, [join(ROOT, 'bin', 'noob.js'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NOOB_DEBUG: '', NOOB_WORKER_TOKEN: WORKER_TOKEN },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('noob worker --http', () => {
  it('default: a real worker process serves tasks on loopback with the token it printed, and exits 0 on SIGTERM', async () => {
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
      const token = /Token \(.*\): (\S+)/.exec(output)![1]!;
      const response = await fetch(`${url}/v1/tasks`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
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
      const run = noobWithToken(
        'run',
        BASIC_TUBE,
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
          async (w) =>
            (
              (await (
                await fetch(`${w.url}/v1/load`, { headers: { authorization: `Bearer ${w.token}` } })
              ).json()) as any
            ).completed,
        ),
      );
      expect(loads.reduce((a: number, b: number) => a + b, 0)).toBe(10);
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
    }
  });

  it('error: --runner http without workers, or with a bad strategy, exits 2', () => {
    const basic = BASIC_TUBE;
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
      headers: { 'content-type': 'application/json', authorization: `Bearer ${WORKER_TOKEN}` },
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

  it("behavior: a developer's worker started with --allow-modules ./examples runs their tube's module nodes for noob run --runner http", async () => {
    const worker = await startWorkerProcess(['--allow-modules', './examples']);
    try {
      const run = noobWithToken(
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

  it('default: with no module choice an HTTP worker loads no module: 403 module_not_allowed, nothing imported', async () => {
    const worker = await startWorkerProcess([], { testModules: false });
    try {
      const refused = await postTask(worker.url, `${join(outside, 'marker.ts')}#x`);
      expect(refused.status).toBe(403);
      expect(refused.body.error.code).toBe('module_not_allowed');
      expect(existsSync(join(outside, 'marker.imported'))).toBe(false);
      expect((await postTask(worker.url, 'noob.testing.exclaim')).status).toBe(200);
    } finally {
      await worker.stop();
    }
  });

  it('error: two module choices, or a bad list, exit 2', async () => {
    for (const [args, message] of [
      [['--no-modules', '--allow-modules'], /--no-modules and --allow-modules contradict/],
      [['--allow-modules', 'a,,b'], /--allow-modules takes nothing/],
    ] as const) {
      const run = noob('worker', ...args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toMatch(message);
    }
  });
});

describe('noob worker --http: who may call it', () => {
  const task = JSON.stringify({ cid: 'sec', type: 'noob.testing.multiply', inputs: { left: 2 } });

  it('error: without the token, or with a wrong one, a task is 401 and runs nothing; with it, 200', async () => {
    const worker = await startWorkerProcess();
    try {
      const send = (headers: Record<string, string>) =>
        fetch(`${worker.url}/v1/tasks`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: task,
        });
      const missing = await send({});
      expect(missing.status).toBe(401);
      expect(((await missing.json()) as any).error.code).toBe('unauthorized');
      expect((await send({ authorization: 'Bearer not-the-token-at-all' })).status).toBe(401);
      const ran = await send({ authorization: `Bearer ${WORKER_TOKEN}` });
      expect(ran.status).toBe(200);
      const load = (await (
        await fetch(`${worker.url}/v1/load`, {
          headers: { authorization: `Bearer ${WORKER_TOKEN}` },
        })
      ).json()) as any;
      expect(load.completed).toBe(1);
      expect((await fetch(`${worker.url}/v1/load`)).status).toBe(401);
    } finally {
      await worker.stop();
    }
  });

  it('error: a text/plain body (what a page may post without asking) is 415; a request from a page (Origin) is 403', async () => {
    const worker = await startWorkerProcess();
    try {
      const auth = { authorization: `Bearer ${WORKER_TOKEN}` };
      const plain = await fetch(`${worker.url}/v1/tasks`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain', ...auth },
        body: task,
      });
      expect(plain.status).toBe(415);
      expect(((await plain.json()) as any).error.code).toBe('unsupported_media_type');
      const fromPage = await fetch(`${worker.url}/v1/tasks`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: 'https://example.com', ...auth },
        body: task,
      });
      expect(fromPage.status).toBe(403);
      expect(((await fromPage.json()) as any).error.code).toBe('cross_origin');
      const preflight = await fetch(`${worker.url}/v1/tasks`, {
        method: 'OPTIONS',
        headers: { origin: 'https://example.com', 'access-control-request-method': 'POST' },
      });
      expect(preflight.status).toBe(403);
      expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await worker.stop();
    }
  });

  it("error: noob run --runner http without the workers' token fails naming NOOB_WORKER_TOKEN", async () => {
    const worker = await startWorkerProcess();
    try {
      const run = noob('run', BASIC_TUBE, '--runner', 'http', '--workers', worker.url);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/needs its token/);
      expect(run.stderr).toMatch(/NOOB_WORKER_TOKEN/);
    } finally {
      await worker.stop();
    }
  });

  it('error: a token shorter than 16 characters exits 2', () => {
    const run = noob('worker', '--http', '--port', '0', '--token', 'short');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/at least 16 characters/);
  });
});
