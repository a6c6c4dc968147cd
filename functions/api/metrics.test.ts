import { afterEach, describe, expect, it } from 'vitest';
import { type ApiTestEnv, apiTestEnv } from './test-env.ts';

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
    expect(types.has(sample[1]!), `${sample[1]} declared before its samples`).toBe(true);
    samples.push({ name: sample[1]!, labels, value: Number(sample[4]) });
  }
  return { types, samples };
}

const value = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  samples.find(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  )?.value;

describe('GET /metrics', () => {
  it('default: Prometheus text with queue depth by state and priority, jobs and workers', async () => {
    env = await apiTestEnv();
    const { queue } = env;
    await queue.submitJob({
      tenant: 'acme',
      kind: 'tasks',
      tasks: [{ cid: 'a', priority: 'HIGH' }, { cid: 'b', priority: 'HIGH' }, { cid: 'c' }],
    });
    await queue.registerWorker('w1', ['gpu']);
    await queue.claim({ workerId: 'w1' });
    const response = await env.app.request('/metrics');
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

  it('behavior: an empty queue reports zeros, not missing series', async () => {
    env = await apiTestEnv();
    const { samples } = parsePrometheus(await (await env.app.request('/metrics')).text());
    expect(samples.filter((s) => s.name === 'noob_jobs').map((s) => s.value)).toEqual([
      0, 0, 0, 0, 0,
    ]);
    expect(value(samples, 'noob_workers')).toBe(0);
  });
});
