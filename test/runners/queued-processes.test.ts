import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openQueue } from '../../core/queue/open.ts';
import { QueuedRunner } from '../../core/runners/queued/runner.ts';
import { loadTubeFromText } from '../../core/tube/load.ts';
import { BASIC_TUBE, OWN } from '../conformance/suite.ts';
import { noob } from '../fixtures/noob-cli.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const children: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
  }
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Starts `noob worker --db` and waits until it pulls from the queue. */
async function startQueueWorker(db: string, ...args: string[]): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [join(ROOT, 'bin', 'noob.js'), 'worker', '--db', db, ...args],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  children.push(child);
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('pulling from')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`worker exited with ${code}`)));
  });
  return child;
}

function tempDb(): string {
  const dir = mkdtempSync(join(tmpdir(), 'noob-queued-'));
  dirs.push(dir);
  return join(dir, 'noob.db');
}

describe('queued runner with real worker processes', () => {
  it('default: noob run --runner queued, drained by two noob worker processes', async () => {
    const db = tempDb();
    await Promise.all([startQueueWorker(db), startQueueWorker(db)]);
    const run = noob('run', BASIC_TUBE, '-n', '5', '--json', '--runner', 'queued', '--db', db);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('[0,2,4,6,8]\n');
  });

  it('behavior: a worker killed mid-task: the task runs again after its lease expires, its result is accepted once', async () => {
    const db = tempDb();
    const marker = join(db, '..', 'marker');
    const tube = await loadTubeFromText(
      `noob_id: kill-mid-task
nodes:
  count: {type: noob.testing.count_source}
  double:
    type: ./nodes.ts#slowOnce
    params: {slowAt: 2, marker: ${JSON.stringify(marker)}}
    depends: [{value: count.index}]
  out: {type: return, depends: double.value}
`,
      { directory: OWN },
    );
    const first = await startQueueWorker(db, '--lease-ms', '1000', '--concurrency', '1');
    const queue = await openQueue(db);
    const runner = new QueuedRunner(tube, { queue, maxAttempts: 3 });
    try {
      const running = runner.run(5);
      // Kill the worker as soon as it is inside the slow call, then bring another one.
      for (let i = 0; i < 300 && !existsSync(marker); i++)
        await new Promise((r) => setTimeout(r, 20));
      expect(Number(readFileSync(marker, 'utf8'))).toBe(first.pid);
      first.kill('SIGKILL');
      await once(first, 'exit');
      writeFileSync(marker, '');
      await startQueueWorker(db, '--lease-ms', '1000');
      expect(await running).toEqual([0, 2, 4, 6, 8]);
      const job = await queue.getJob('local', runner.jobId!);
      expect(Object.keys(job.results)).toHaveLength(5);
      expect(job.progress.done).toBe(5);
    } finally {
      await runner.deinit();
      await queue.close();
    }
  });
});
