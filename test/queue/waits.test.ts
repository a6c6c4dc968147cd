import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { authed, servedApiTestEnv } from '../../functions/api/test-env.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const children: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** `noob ARGS…` as a real process in the project folder, its output gathered. */
function noob(args: string[]) {
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'noob.js'), ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const output = { stdout: '', stderr: '' };
  child.stdout!.on('data', (chunk: Buffer) => {
    output.stdout += chunk.toString();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    output.stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((done) => child.once('exit', done));
  return { child, output, exited };
}

/** Polls `check` every 50 ms until it holds (bounded: 60 s). */
async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1_200; i++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('explained waits', () => {
  it('behavior: noob run --runner queued with no worker says so, then finishes once one starts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'noob-wait-cli-'));
    dirs.push(dir);
    const db = join(dir, 'noob.db');
    const run = noob([
      'run',
      'examples/basic/basic.yaml',
      '-n',
      '2',
      '--runner',
      'queued',
      '--db',
      db,
    ]);
    await until(() => run.output.stderr.includes('waiting:'), 'the hint');
    expect(run.output.stderr).toMatch(/noob run: waiting: no worker is running on this queue/);
    expect(run.output.stdout).toBe('');
    noob(['worker', '--db', db]);
    expect(await run.exited).toBe(0);
    expect(run.output.stdout.trim().split('\n')).toEqual(['0', '2']);
    // Said once, not at every look.
    expect(run.output.stderr.match(/waiting:/g)).toHaveLength(1);
  }, 180_000);

  it('behavior: GET /v1/jobs/:id says what an open job waits for; the OpenAPI document has the field', async () => {
    const env = await servedApiTestEnv();
    try {
      const submitted = await fetch(
        `${env.url}/v1/jobs`,
        authed(env.acme, 'POST', { tube: 'testing-basic', tags: ['gpu'] }),
      );
      const { id } = (await submitted.json()) as { id: string };
      const read = async () =>
        (
          (await (await fetch(`${env.url}/v1/jobs/${id}`, authed(env.acme))).json()) as {
            waiting: { reason: string; detail: string } | null;
          }
        ).waiting;
      expect(await read()).toMatchObject({ reason: 'no_workers' });
      await env.queue.registerWorker('w-cpu', ['cpu']);
      const wait = await read();
      expect(wait).toMatchObject({ reason: 'no_matching_workers' });
      expect(wait?.detail).toMatch(/need a worker with tags gpu/);
      const openApi = (await (await fetch(`${env.url}/openapi.json`)).json()) as {
        components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
      };
      expect(openApi.components.schemas.JobStatus?.properties).toHaveProperty('waiting');
      expect(openApi.components.schemas.JobWait).toBeDefined();
    } finally {
      await env.close();
    }
  });
});
