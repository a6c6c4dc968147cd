import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { loadTubeFromText } from '../../tube/load.ts';
import { ParallelRunner } from './runner.ts';

const FIXTURES = join(import.meta.dirname, 'fixtures');
let scratch: string[] = [];
afterEach(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
  scratch = [];
});
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'noob-parallel-'));
  scratch.push(dir);
  return dir;
};

/** A tube: a counting source feeding `body` (YAML node entries), returning `out`. */
const tube = (id: string, body: string, out: string) =>
  loadTubeFromText(
    `noob_id: ${id}\nnodes:\n  a:\n    type: noob.testing.count_source\n${body}  r:\n    type: return\n    depends: ${out}\n`,
    { directory: FIXTURES },
  );

const node = (id: string, type: string, params?: Record<string, unknown>) =>
  `  ${id}:\n    type: ./nodes.ts#${type}\n${params ? `    params: ${JSON.stringify(params)}\n` : ''}    depends:\n      - value: a.index\n`;

describe('ParallelRunner', () => {
  it('default: user nodes run off the main thread, on the pool’s threads', async () => {
    const body = ['w1', 'w2', 'w3', 'w4'].map((id) => node(id, 'whereAmI')).join('');
    const runner = new ParallelRunner(
      await tube(
        'where',
        body,
        '\n      - w1: w1.value\n      - w2: w2.value\n      - w3: w3.value\n      - w4: w4.value',
      ),
      { workers: 2 },
    );
    try {
      const results = (await runner.run(4)) as Array<Record<string, number>>;
      const seen = new Set(results.flatMap((result) => Object.values(result)));
      expect(threadId).toBe(0);
      expect(seen.has(0)).toBe(false);
      for (const id of seen) expect(runner.threadIds).toContain(id);
      expect(runner.threadIds).toHaveLength(2);
    } finally {
      await runner.deinit();
    }
  });

  it('behavior: deinit runs deinit hooks in the owning thread and leaves no thread behind', async () => {
    const log = join(tempDir(), 'log');
    const runner = new ParallelRunner(
      await tube('lifecycle', node('c', 'counter', { log }), 'c.value'),
      {
        workers: 2,
      },
    );
    expect(await runner.run(3)).toEqual([1, 2, 3]);
    const stats = runner.threadStats();
    expect(stats).toHaveLength(2);
    expect(runner.threadIds).toEqual(stats.map((s) => s.threadId));
    await runner.deinit();
    // The pool's threads have all emitted 'exit'.
    expect(runner.threadIds).toEqual([]);
    // Exactly one instance, built and torn down in one thread of the pool.
    const lines = readFileSync(log, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(2);
    const owner = Number(lines[0]!.split(' ')[1]);
    expect(lines).toEqual([`init ${owner}`, `deinit ${owner}`]);
    expect(stats.map((s) => s.threadId)).toContain(owner);
  });

  it('behavior: typed arrays come back intact', async () => {
    const runner = new ParallelRunner(await tube('ramp', node('x', 'ramp'), 'x.value'), {
      workers: 2,
    });
    try {
      const [first, second] = (await runner.run(2)) as Float64Array[];
      expect(first).toBeInstanceOf(Float64Array);
      expect([...first!]).toEqual([0, 1, 2, 3]);
      expect([...second!]).toEqual([1, 2, 3, 4]);
    } finally {
      await runner.deinit();
    }
  });

  it("error: a node's error surfaces as NodeRunError naming the node, epoch and cause", async () => {
    const runner = new ParallelRunner(await tube('broken', node('x', 'broken'), 'x.value'), {
      workers: 2,
    });
    try {
      const error: any = await runner.process().catch((e: unknown) => e);
      expect(error.name).toBe('NodeRunError');
      expect(error.nodeId).toBe('x');
      expect(error.epoch).toBe('0');
      expect(error.message).toMatch(/TypeError: broken on purpose/);
    } finally {
      await runner.deinit();
    }
  });

  it('behavior: a stateless call whose thread dies is retried once, and the thread replaced', async () => {
    const marker = join(tempDir(), 'died');
    // No stateful node here: a thread's death would also take its pinned nodes' state.
    const text = `noob_id: die-once
input:
  v: { type: int, scope: process }
nodes:
  x:
    type: ./nodes.ts#dieOnce
    params: { marker: ${JSON.stringify(marker)} }
    depends:
      - value: input.v
  r:
    type: return
    depends: x.value
`;
    const runner = new ParallelRunner(await loadTubeFromText(text, { directory: FIXTURES }), {
      workers: 2,
    });
    try {
      const results = [];
      for (const v of [1, 2, 3]) results.push(await runner.process({ v }));
      expect(results).toEqual([2, 4, 6]);
      const dead = Number(readFileSync(marker, 'utf8'));
      expect(dead).toBeGreaterThan(0);
      expect(runner.threadIds).toHaveLength(2);
      expect(runner.threadIds).not.toContain(dead);
    } finally {
      await runner.deinit();
    }
    expect(runner.threadIds).toEqual([]);
  });

  it('error: a stateless call that kills its thread twice fails after one retry', async () => {
    const text = `noob_id: die-always
input:
  v: { type: int, scope: process }
nodes:
  x:
    type: ./nodes.ts#exitNow
    depends:
      - value: input.v
  r:
    type: return
    depends: x.value
`;
    const runner = new ParallelRunner(await loadTubeFromText(text, { directory: FIXTURES }), {
      workers: 2,
    });
    try {
      const error: any = await runner.process({ v: 1 }).catch((e: unknown) => e);
      expect(error.name).toBe('NodeRunError');
      expect(error.nodeId).toBe('x');
      expect(error.cause.name).toBe('WorkerThreadExitedError');
      expect(error.cause.exitCode).toBe(5);
      const killed = runner.threadStats().filter((s) => s.calls === 0);
      expect(killed).toHaveLength(2); // both slots hold fresh replacements
    } finally {
      await runner.deinit();
    }
  });

  it('error: a stateful node whose thread dies fails the epoch, and later ones, until restarted', async () => {
    const log = join(tempDir(), 'log');
    const runner = new ParallelRunner(
      await tube('die-stateful', node('c', 'counter', { log, dieAt: 2 }), 'c.value'),
      { workers: 2 },
    );
    try {
      expect(await runner.process()).toBe(1);
      expect(await runner.process()).toBe(2);
      const lost: any = await runner.process().catch((e: unknown) => e);
      expect(lost.name).toBe('NodeRunError');
      expect(lost.nodeId).toBe('c');
      expect(lost.epoch).toBe('2');
      expect(lost.cause.name).toBe('StatefulNodeLostError');
      expect(lost.cause.cause.name).toBe('WorkerThreadExitedError');
      expect(lost.cause.cause.exitCode).toBe(9);
      // The state is gone: the node keeps failing rather than silently starting over.
      const again: any = await runner.process().catch((e: unknown) => e);
      expect(again.cause.name).toBe('StatefulNodeLostError');
      expect(runner.threadIds).toHaveLength(2);
      // Starting the runner again starts the node again.
      await runner.deinit();
      expect(await runner.process()).toBe(1);
    } finally {
      await runner.deinit();
    }
    expect(runner.threadIds).toEqual([]);
  });
});

describe('ParallelRunner with registered types', () => {
  const text =
    'noob_id: registered\nnodes:\n  a:\n    type: noob.testing.count_source\n  b:\n    type: acme.square\n    depends:\n      - x: a.index\n  r:\n    type: return\n    depends: b.value\n';
  const registryModule = join(FIXTURES, 'registry.ts');

  it('default: threads load the tube with the registry of registryModule', async () => {
    const { registry } = await import('./fixtures/registry.ts');
    const loaded = await loadTubeFromText(text, { registry });
    const runner = new ParallelRunner(loaded, { workers: 2, registryModule });
    try {
      expect(await runner.run(4)).toEqual([0, 1, 4, 9]);
    } finally {
      await runner.deinit();
    }
  });

  it('error: without registryModule, init fails naming the unknown type', async () => {
    const { registry } = await import('./fixtures/registry.ts');
    const runner = new ParallelRunner(await loadTubeFromText(text, { registry }), { workers: 1 });
    try {
      const error: any = await runner.init().catch((e: unknown) => e);
      expect(error.name).toBe('TubeLoadError');
      expect(error.message).toMatch(/acme\.square/);
      expect(error.message).toMatch(/registryModule/);
    } finally {
      await runner.deinit();
    }
    expect(runner.threadIds).toEqual([]);
  });
});
