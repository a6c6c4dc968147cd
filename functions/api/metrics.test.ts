import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/queue/clock.ts';
import { openDriver } from '../../core/queue/open.ts';
import { Queue } from '../../core/queue/queue.ts';
import { type ApiTestEnv, apiTestEnv, authed } from './test-env.ts';

let env: ApiTestEnv;
afterEach(async () => {
  await env?.close();
});

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/**
 * A strict reader of the Prometheus text format 0.0.4: every line is a HELP or TYPE
 * comment or a sample `name{label="value",…} number`; each family is declared before
 * its samples. Throws on anything else.
 */
function parsePrometheus(text: string): { types: Map<string, string>; samples: Sample[] } {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  expect(text.endsWith('\n')).toBe(true);
  for (const line of text.slice(0, -1).split('\n')) {
    const meta = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.+)$/.exec(line);
    if (meta) {
      if (meta[1] === 'TYPE') {
        expect(['counter', 'gauge', 'histogram', 'summary', 'untyped']).toContain(meta[3]);
        types.set(meta[2]!, meta[3]!);
      }
      continue;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (-?[0-9.eE+-]+|NaN|[+-]Inf)$/.exec(line);
    if (!sample) throw new Error(`not a Prometheus line: ${JSON.stringify(line)}`);
    const labels: Record<string, string> = {};
    for (const pair of (sample[3] ?? '').split(',').filter(Boolean)) {
      const label = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"$/.exec(pair);
      if (!label) throw new Error(`bad label ${pair} in ${line}`);
      labels[label[1]!] = label[2]!;
    }
    // A histogram's samples are its name with _bucket, _sum and _count.
    const base = sample[1]!.replace(/_(bucket|sum|count)$/, '');
    const family = types.get(base) === 'histogram' ? base : sample[1]!;
    expect(types.has(family), `${sample[1]} declared before its samples`).toBe(true);
    samples.push({ name: sample[1]!, labels, value: Number(sample[4]) });
  }
  return { types, samples };
}

const value = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  samples.find(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  )?.value;

/** The metrics as `key` reads them. */
async function metrics(key: string): Promise<Sample[]> {
  const response = await env.app.request('/metrics', authed(key));
  expect(response.status).toBe(200);
  return parsePrometheus(await response.text()).samples;
}

describe('GET /metrics', () => {
  it('default: Prometheus text with queue depth by state and priority, jobs and workers (operator key)', async () => {
    env = await apiTestEnv({ operators: ['acme'] });
    const { queue } = env;
    await queue.submitJob({
      tenant: 'acme',
      kind: 'tasks',
      tasks: [{ cid: 'a', priority: 'HIGH' }, { cid: 'b', priority: 'HIGH' }, { cid: 'c' }],
    });
    await queue.registerWorker('w1', ['gpu']);
    await queue.claim({ workerId: 'w1' });
    const response = await env.app.request('/metrics', authed(env.acme));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const { types, samples } = parsePrometheus(await response.text());
    expect(types.get('noob_queue_tasks')).toBe('gauge');
    expect(value(samples, 'noob_queue_tasks', { state: 'queued', priority: 'HIGH' })).toBe(1);
    expect(value(samples, 'noob_queue_tasks', { state: 'leased', priority: 'HIGH' })).toBe(1);
    expect(value(samples, 'noob_queue_tasks', { state: 'queued', priority: 'NORMAL' })).toBe(1);
    expect(value(samples, 'noob_queue_tasks', { state: 'dead', priority: 'LOW' })).toBe(0);
    expect(samples.filter((s) => s.name === 'noob_queue_tasks')).toHaveLength(5 * 4);
    expect(value(samples, 'noob_jobs', { state: 'running' })).toBe(1);
    expect(value(samples, 'noob_jobs', { state: 'succeeded' })).toBe(0);
    expect(value(samples, 'noob_workers')).toBe(1);
    expect(value(samples, 'noob_workers_active')).toBe(1);
    expect(value(samples, 'noob_tasks_leased')).toBe(1);
  });

  it('error: without a key it is a 401 (counts are not public)', async () => {
    env = await apiTestEnv();
    const response = await env.app.request('/metrics');
    expect(response.status).toBe(401);
    expect(((await response.json()) as any).error.code).toBe('unauthorized');
  });

  it("behavior: a tenant key reads its own jobs' counts and tasks held, never another tenant's, nor the shared histograms", async () => {
    env = await apiTestEnv({ operators: ['ops'] });
    const { queue } = env;
    const ops = (await env.keys.create('ops')).key;
    await queue.submitJob({
      tenant: 'acme',
      kind: 'tasks',
      tasks: [
        { cid: 'a1', priority: 'HIGH' },
        { cid: 'a2', priority: 'HIGH' },
      ],
    });
    await queue.submitJob({
      tenant: 'globex',
      kind: 'tasks',
      tasks: [{ cid: 'g1' }, { cid: 'g2' }, { cid: 'g3' }],
    });
    await queue.registerWorker('w1');
    await queue.claim({ workerId: 'w1', max: 5 });
    const acme = await metrics(env.acme);
    expect(value(acme, 'noob_view', { scope: 'tenant' })).toBe(1);
    expect(value(acme, 'noob_queue_tasks', { state: 'leased', priority: 'HIGH' })).toBe(2);
    expect(value(acme, 'noob_queue_tasks', { state: 'leased', priority: 'NORMAL' })).toBe(0);
    expect(value(acme, 'noob_jobs', { state: 'running' })).toBe(1);
    expect(value(acme, 'noob_tasks_leased')).toBe(2);
    expect(value(acme, 'noob_workers')).toBe(1);
    expect(acme.some((s) => s.name.startsWith('noob_task_run_seconds'))).toBe(false);
    const globex = await metrics(env.globex);
    expect(value(globex, 'noob_queue_tasks', { state: 'leased', priority: 'NORMAL' })).toBe(3);
    expect(value(globex, 'noob_queue_tasks', { state: 'leased', priority: 'HIGH' })).toBe(0);
    expect(value(globex, 'noob_tasks_leased')).toBe(3);
    const all = await metrics(ops);
    expect(value(all, 'noob_view', { scope: 'all' })).toBe(1);
    expect(value(all, 'noob_jobs', { state: 'running' })).toBe(2);
    expect(value(all, 'noob_tasks_leased')).toBe(5);
    expect(value(all, 'noob_task_run_seconds_count')).toBe(0);
  });

  it('behavior: an empty queue reports zeros, not missing series', async () => {
    env = await apiTestEnv();
    const samples = await metrics(env.acme);
    expect(samples.filter((s) => s.name === 'noob_jobs').map((s) => s.value)).toEqual([
      0, 0, 0, 0, 0,
    ]);
    expect(value(samples, 'noob_workers')).toBe(0);
  });

  it('behavior: task wait and run time histograms count every claim and result, cumulatively', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'noob-metrics-'));
    const clock = new ManualClock(1_700_000_000_000);
    const queue = new Queue(await openDriver(join(dir, 'noob.db')), { clock });
    try {
      env = await apiTestEnv({ queue, operators: ['acme'] });
      await queue.submitJob({ tenant: 'acme', kind: 'tasks', tasks: [{ cid: 'a' }, { cid: 'b' }] });
      clock.advance(3); // both wait 3 ms
      const [a, b] = await queue.claim({ workerId: 'w', max: 2 });
      clock.advance(40); // a runs 40 ms
      await queue.complete('w', a!.id, 1);
      clock.advance(2_000); // b runs 2.04 s
      await queue.complete('w', b!.id, 2);
      await queue.complete('w', b!.id, 2); // a repeated report is not observed twice
      const response = await env.app.request('/metrics', authed(env.acme));
      const { types, samples } = parsePrometheus(await response.text());
      expect(types.get('noob_task_wait_seconds')).toBe('histogram');
      expect(types.get('noob_task_run_seconds')).toBe('histogram');
      const wait = (le: string) => value(samples, 'noob_task_wait_seconds_bucket', { le });
      expect([wait('0.001'), wait('0.005'), wait('60'), wait('+Inf')]).toEqual([0, 2, 2, 2]);
      expect(value(samples, 'noob_task_wait_seconds_sum')).toBeCloseTo(0.006);
      expect(value(samples, 'noob_task_wait_seconds_count')).toBe(2);
      const run = (le: string) => value(samples, 'noob_task_run_seconds_bucket', { le });
      expect([run('0.025'), run('0.05'), run('1'), run('2.5'), run('+Inf')]).toEqual([
        0, 1, 1, 2, 2,
      ]);
      expect(value(samples, 'noob_task_run_seconds_sum')).toBeCloseTo(2.08);
      expect(value(samples, 'noob_task_run_seconds_count')).toBe(2);
    } finally {
      await queue.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('GET /v1/workers', () => {
  it("behavior: every worker is listed, a dead one marked, with the tasks it holds for the key's tenant only", async () => {
    env = await apiTestEnv({ operators: ['ops'] });
    const ops = (await env.keys.create('ops')).key;
    await env.queue.submitJob({ tenant: 'acme', kind: 'tasks', tasks: [{ cid: 'a' }] });
    await env.queue.submitJob({
      tenant: 'globex',
      kind: 'tasks',
      tasks: [{ cid: 'g' }, { cid: 'h' }],
    });
    await env.queue.registerWorker('live', ['gpu']);
    await env.queue.claim({ workerId: 'live', max: 3 });
    // A worker that was killed five minutes ago: its row stays, its clock stopped then.
    const past = new Queue(env.queue.driver, {
      clock: new ManualClock(Date.now() - 5 * 60_000),
    });
    await past.registerWorker('gone');
    const read = async (key: string) =>
      ((await (await env.app.request('/v1/workers', authed(key))).json()) as any).workers;
    const acme = await read(env.acme);
    expect(acme.map((w: any) => [w.id, w.alive, w.leased])).toEqual([
      ['live', true, 1],
      ['gone', false, 0],
    ]);
    const globex = await read(env.globex);
    expect(globex.find((w: any) => w.id === 'live').leased).toBe(2);
    expect((await read(ops)).find((w: any) => w.id === 'live').leased).toBe(3);
  });
});
