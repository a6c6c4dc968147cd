import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Consumer, packAndInstall } from './packed.ts';

/**
 * The published package as a user gets it: `npm pack`, then `npm install` of the tarball
 * in a fresh project, with no access to the repository's sources. One pack and install,
 * shared by every check.
 */

const TUBE = `noob_id: consumer-double
nodes:
  count:
    type: noob.testing.count_source
  double:
    type: noob.testing.multiply
    depends:
      - left: count.index
  out:
    type: return
    depends: double.value
`;

/** A TypeScript user's file: every entry point, typed, under `tsc --strict`. */
const CONSUMER = `import { defineNode, loadTube, type Tube } from 'noob';
import { createNoobClient, type NoobClient } from 'noob/client';
import { type SettlementChainName, settlementChains } from 'noob/contracts';
import { type Runner, SyncRunner } from 'noob/runners';

const shout = defineNode({
  slots: { letter: {} },
  process: ({ letter }) => String(letter).toUpperCase(),
});
const tube: Tube = await loadTube(new URL('./tube.yaml', import.meta.url).pathname);
const runner: Runner = new SyncRunner(tube);
const results: unknown[] = await runner.run(3);
await runner.deinit();
const client: NoobClient = createNoobClient({ baseUrl: 'http://127.0.0.1:1', apiKey: 'key' });
const chain: SettlementChainName = 'anvil';
console.log(
  JSON.stringify({
    results,
    node: typeof shout,
    submit: typeof client.submitJob,
    chainId: settlementChains[chain].id,
  }),
);
`;

/** An old Node on this machine (the system's), if there is one, for the bin's message. */
const OLD_NODE = ['/usr/bin/node', '/usr/local/bin/node'].find(
  (path) =>
    existsSync(path) &&
    Number(execFileSync(path, ['-p', 'process.versions.node.split(".")[0]']).toString()) < 22,
);

let consumer: Consumer;

beforeAll(() => {
  consumer = packAndInstall();
  writeFileSync(join(consumer.dir, 'tube.yaml'), TUBE);
  writeFileSync(join(consumer.dir, 'consumer.ts'), CONSUMER);
  writeFileSync(
    join(consumer.dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        module: 'nodenext',
        target: 'es2022',
        types: ['node'],
        noEmit: true,
      },
      files: ['consumer.ts'],
    }),
  );
}, 600_000);

afterAll(() => {
  if (consumer) rmSync(dirname(consumer.dir), { recursive: true, force: true });
});

describe('the packed package', () => {
  it('default: ships JavaScript and declarations, no TypeScript sources or tests', () => {
    const files = execFileSync('tar', ['tzf', consumer.tarball], { encoding: 'utf8' })
      .trim()
      .split('\n');
    expect(files).toContain('package/dist/core/index.js');
    expect(files).toContain('package/dist/core/index.d.ts');
    expect(files).toContain('package/dist/core/queue/migrations/0001_jobs.sql');
    expect(files).toContain('package/dist/functions/api/dashboard/page.html');
    expect(files.filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))).toEqual([]);
    expect(files.filter((file) => /\.test\.|\.suite\.|fixture/.test(file))).toEqual([]);
  });

  it("behavior: a user's tsc --strict passes on a file importing noob, noob/runners, noob/client and noob/contracts", () => {
    const tsc = join(consumer.dir, 'node_modules', 'typescript', 'bin', 'tsc');
    const { code, stdout, stderr } = consumer.run(process.execPath, [tsc, '-p', '.']);
    expect(`${stdout}${stderr}`).toBe('');
    expect(code).toBe(0);
  }, 300_000); // without skipLibCheck: every declaration file, viem's included

  it('behavior: that file runs on Node, a tube and every entry point', () => {
    const { code, stdout, stderr } = consumer.run(process.execPath, ['consumer.ts']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      results: [0, 2, 4],
      node: 'object',
      submit: 'function',
      chainId: 31337,
    });
  });

  it('behavior: npx noob --version prints the package version', () => {
    const { code, stdout } = consumer.run('npx', ['noob', '--version']);
    expect(code).toBe(0);
    expect(stdout.trim()).toMatch(/^noob \d+\.\d+\.\d+/);
  });

  it('behavior: npx noob run runs a tube, in this thread and on worker threads', () => {
    const sync = consumer.run('npx', ['noob', 'run', 'tube.yaml', '-n', '3', '--json']);
    expect(sync.stderr).toBe('');
    expect(sync.stdout).toBe('[0,2,4]\n');
    const parallel = consumer.run('npx', [
      'noob',
      'run',
      'tube.yaml',
      '-n',
      '3',
      '--runner',
      'parallel',
      '--workers',
      '1',
      '--json',
    ]);
    expect(parallel.stderr).toBe('');
    expect(parallel.stdout).toBe('[0,2,4]\n');
  });

  it('behavior: npx noob serve runs a submitted job and serves the dashboard', async () => {
    const serve = spawn('npx', ['noob', 'serve', '--port', '0', '--workers', '1'], {
      cwd: consumer.dir,
      env: { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH}` },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    try {
      const banner = await readUntil(serve, /API key for tenant "local": (\S+)/);
      const url = /serving on (http:\/\/127\.0\.0\.1:\d+)/.exec(banner)![1]!;
      const key = /API key for tenant "local": (\S+)/.exec(banner)![1]!;
      const page = await fetch(`${url}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toMatch(/<!doctype html>/i);
      const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
      const submitted = await fetch(`${url}/v1/jobs`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ tube: 'testing-basic', epochs: 3 }),
      });
      expect(submitted.status).toBe(202);
      const { id } = (await submitted.json()) as { id: string };
      let job: { state: string; results: unknown } = { state: 'queued', results: null };
      for (let i = 0; i < 600 && !['succeeded', 'failed'].includes(job.state); i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        job = (await (await fetch(`${url}/v1/jobs/${id}`, { headers })).json()) as typeof job;
      }
      expect(job).toMatchObject({ state: 'succeeded', results: [0, 2, 4] });
    } finally {
      const exited = once(serve, 'exit');
      process.kill(-serve.pid!, 'SIGTERM');
      await exited;
    }
  });

  it.skipIf(!OLD_NODE)(
    'error: on an old Node the command says to install Node 22, not to work in the repository',
    () => {
      const bin = join(consumer.dir, 'node_modules', 'noob', 'bin', 'noob.js');
      const { code, stderr } = consumer.run(OLD_NODE!, [bin, '--version']);
      expect(code).toBe(2);
      expect(stderr).toMatch(/noob needs Node >= 22 \(this is v\d+/);
      expect(stderr).toMatch(/Install Node 22 or later/);
      expect(stderr).not.toMatch(/repository|npm start/);
    },
  );
});

/** Reads a child's stdout until `pattern` matches; fails if it exits or 60 s pass first. */
function readUntil(child: ChildProcess, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    let errors = '';
    const timer = setTimeout(
      () => reject(new Error(`no match within 60 s:\n${output}${errors}`)),
      60_000,
    );
    child.stderr!.on('data', (chunk: Buffer) => {
      errors += chunk.toString();
    });
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (pattern.test(output)) {
        clearTimeout(timer);
        resolve(output);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before printing ${pattern}:\n${output}${errors}`));
    });
  });
}
