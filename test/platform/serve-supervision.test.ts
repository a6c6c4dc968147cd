import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDriver } from '../../core/queue/open.ts';
import { KeyStore } from '../../functions/api/keys.ts';
import { api, cleanUpServes, eventually, startServe, tempDb, waitForJob } from './serve-process.ts';
import { waitingTube } from './tubes.ts';

/**
 * `noob serve` runs the coordinator and the workers in processes of their own, and keeps
 * them running: these tests kill them (kill -9) and check that the platform comes back and
 * every job still ends as it should, while the API answers throughout.
 */

const folders: string[] = [];
afterEach(async () => {
  await cleanUpServes();
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

const submit = async (url: string, key: string, body: unknown) => {
  const { status, body: answer } = await api(url, key, '/v1/jobs', {
    method: 'POST',
    body: JSON.stringify(body),
  });
  expect(status, JSON.stringify(answer)).toBe(202);
  return answer.id as string;
};

/** A key for another tenant on the server's database. */
async function keyFor(db: string, tenant: string): Promise<string> {
  const driver = await openDriver(db);
  try {
    return (await new KeyStore(driver).create(tenant)).key;
  } finally {
    await driver.close();
  }
}

describe('noob serve supervision (real processes)', () => {
  it('behavior: kill -9 of the coordinator mid-job: it is restarted and the job completes with every result', async () => {
    const server = await startServe(tempDb());
    const id = await submit(server.url, server.key, { tube: waitingTube(0.2), epochs: 10 });
    await eventually('the job has begun', async () => {
      const { body } = await api(server.url, server.key, `/v1/jobs/${id}`);
      return body.progress.done >= 1 ? true : undefined;
    });
    process.kill(server.coordinatorPid, 'SIGKILL');
    const job = await waitForJob(server.url, server.key, id);
    expect(job.state).toBe('succeeded');
    expect(job.results).toEqual(Array.from({ length: 10 }, (_, n) => n));
    expect(server.stderr()).toMatch(/coordinator \(pid \d+\) was killed by SIGKILL; restarting it/);
    expect(server.stderr()).toMatch(/coordinator restarted \(pid \d+\)/);
    const ready = await eventually('ready again', async () => {
      const response = await fetch(`${server.url}/readyz`);
      return response.status === 200 ? ((await response.json()) as any) : undefined;
    });
    expect(ready.checks.coordinator.details.restarts).toBe(1);
  });

  it('behavior: kill -9 of a worker: it is replaced, the dead one leaves GET /v1/workers, and jobs still run', async () => {
    const server = await startServe(tempDb());
    const listed = async () =>
      ((await api(server.url, server.key, '/v1/workers')).body.workers as { id: string }[]).map(
        (worker) => worker.id,
      );
    const before = await eventually('both workers listed', async () => {
      const ids = await listed();
      return ids.length === 2 ? ids : undefined;
    });
    process.kill(server.workerPids[0]!, 'SIGKILL');
    const after = await eventually('a new worker in the dead one’s place', async () => {
      const ids = await listed();
      return ids.length === 2 && !before.every((id) => ids.includes(id)) ? ids : undefined;
    });
    expect(after.filter((id) => before.includes(id))).toHaveLength(1);
    expect(server.stderr()).toMatch(/worker \d \(pid \d+\) was killed by SIGKILL; restarting it/);
    const id = await submit(server.url, server.key, { tube: 'testing-basic', epochs: 5 });
    expect((await waitForJob(server.url, server.key, id)).results).toEqual([0, 2, 4, 6, 8]);
  });

  it('error: a job that kills its coordinator again and again ends failed with a reason; another tenant’s job succeeds', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'noob-poison-'));
    folders.push(folder);
    // A stateful node runs in the coordinator: this one kills it, as a crash would.
    writeFileSync(
      join(folder, 'crash.ts'),
      "export function crash({ value }) { process.kill(process.pid, 'SIGKILL'); return value; }\n",
    );
    const db = tempDb();
    const server = await startServe(db, ['--allow-modules', folder]);
    const poison = await submit(server.url, server.key, {
      tube: [
        'noob_id: poison',
        'nodes:',
        '  count:',
        '    type: noob.testing.count_source',
        '  boom:',
        `    type: ${join(folder, 'crash.ts')}#crash`,
        '    stateful: true',
        '    depends:',
        '      - value: count.index',
        '  out:',
        '    type: return',
        '    depends: boom.value',
      ].join('\n'),
    });
    const other = await keyFor(db, 'other');
    const fine = await submit(server.url, other, { tube: waitingTube(0.05), epochs: 5 });
    const failed = await waitForJob(server.url, server.key, poison);
    expect(failed.state).toBe('failed');
    expect(failed.error.code).toBe('CoordinatorLostError');
    expect(failed.error.message).toMatch(/coordinator died or lost its lease 3 times/);
    const succeeded = await waitForJob(server.url, other, fine);
    expect(succeeded.state).toBe('succeeded');
    expect(succeeded.results).toEqual([0, 1, 2, 3, 4]);
    // The coordinator is back for later jobs.
    const later = await submit(server.url, other, { tube: 'testing-basic', epochs: 2 });
    expect((await waitForJob(server.url, other, later)).results).toEqual([0, 2]);
  });

  it('behavior: while a huge map expands in the coordinator, the API answers (/livez and the job’s status)', async () => {
    const server = await startServe(tempDb());
    const times = 200_000;
    const id = await submit(server.url, server.key, {
      tube: [
        'noob_id: huge-map',
        'input:',
        '  times: {type: int, default: 1}',
        'nodes:',
        '  letters: {type: noob.testing.repeat, params: {string: x, times: input.times}}',
        '  each: {type: map, depends: letters.value}',
        '  back: {type: gather, depends: [{value: each.value}, {n: each.n}]}',
        '  size: {type: len, depends: [back.value]}',
        '  out: {type: return, depends: size.value}',
      ].join('\n'),
      inputs: { times },
    });
    let answeredWhileRunning = 0;
    const job = await eventually(
      'the huge map job ends',
      async () => {
        const { body } = await api(server.url, server.key, `/v1/jobs/${id}`);
        if (['succeeded', 'failed', 'cancelled'].includes(body.state)) return body;
        const live = await fetch(`${server.url}/livez`, { signal: AbortSignal.timeout(10_000) });
        expect(live.status).toBe(200);
        answeredWhileRunning++;
        return undefined;
      },
      6000,
    );
    expect(job.state, JSON.stringify(job.error)).toBe('succeeded');
    expect(job.results).toEqual([times]);
    expect(answeredWhileRunning).toBeGreaterThan(0);
  }, 300_000);
});
