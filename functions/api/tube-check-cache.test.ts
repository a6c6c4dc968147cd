import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { defineNode } from '../../core/node/define.ts';
import { createRegistry, type NodeRegistry } from '../../core/node/registry.ts';
import { ManualClock } from '../../core/queue/clock.ts';
import { standardNodes } from '../../core/stdlib/index.ts';
import { apiTestEnv, authed } from './test-env.ts';
import { TubeCheckCache } from './tube-check-cache.ts';
import { type CheckedTube, checkTube, type TubeSourceOptions } from './tube-source.ts';

const root = join(tmpdir(), `noob-tube-cache-${randomUUID()}`);
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A tube counting from its tube-scoped input `start`, through node `node`. */
const counter = (id: string, node = 'a') => `noob_id: ${id}
input:
  start:
    scope: tube
    type: int
nodes:
  ${node}:
    type: noob.testing.count_source
    params:
      start: input.start
  r:
    type: return
    depends: ${node}.index
`;
const extending = (id: string, base: string) =>
  `noob_id: ${id}\nextends:\n  - ${base}\nnodes:\n  r:\n    type: return\n    depends: a.index\n`;
const nesting = (id: string, child: string) =>
  `noob_id: ${id}\nnodes:\n  n:\n    type: tube\n    params:\n      tube: ${child}\n  r:\n    type: return\n    depends: n.value\n`;

// Each test has a tube folder of its own, so tests never see each other's files.
let folder: string;
let options: TubeSourceOptions;
let clock: ManualClock;
let cache: TubeCheckCache;
beforeEach(() => {
  folder = join(root, randomUUID());
  mkdirSync(folder, { recursive: true });
  options = { tubePaths: [folder], directory: folder };
  clock = new ManualClock(0);
  cache = new TubeCheckCache(options, { clock, listingMaxAgeMs: 1_000 });
});
const write = (file: string, text: string) => writeFileSync(join(folder, file), text);

/** A check's outcome as plain data: the tube, or the error's name, message and problems. */
async function outcome(check: Promise<CheckedTube>) {
  try {
    const { text, id, tube } = await check;
    return { text, id, tube };
  } catch (error) {
    const { name, message, problems } = error as Error & { problems?: unknown };
    return { error: { name, message, problems } };
  }
}

/** The standard registry, counting the node types it is asked to resolve. */
function countingRegistry(): NodeRegistry & { resolved: number } {
  const registry = createRegistry({ modules: 'deny' });
  return {
    resolved: 0,
    resolveNode(type, fromDirectory, rules) {
      this.resolved++;
      return registry.resolveNode(type, fromDirectory, rules);
    },
    resolveAsset: (type, fromDirectory, rules) => registry.resolveAsset(type, fromDirectory, rules),
  };
}

/** `depth` arrays nested in one another around a number. */
function nested(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

describe('TubeCheckCache', () => {
  it('default: a check is kept and given again while nothing it depends on changed', async () => {
    write('counter.yaml', counter('counter'));
    const first = await cache.check('counter', { start: 2 });
    expect(first.tube.input).toEqual({ start: 2 });
    expect(await cache.check('counter', { start: 2 })).toBe(first);
    // Other inputs are another check.
    const other = await cache.check('counter', { start: 3 });
    expect(other.tube.input).toEqual({ start: 3 });
    expect(cache.size).toBe(2);
  });

  it('behavior: cached and uncached checks give the same tubes and the same errors', async () => {
    write('counter.yaml', counter('counter'));
    write('base.yaml', counter('base'));
    write('extends.yaml', extending('extended', 'base'));
    write('nests.yaml', nesting('nests', 'counter'));
    const own = counter('own');
    const cases: Array<[string, Record<string, unknown>]> = [
      ['counter', { start: 1 }],
      [counter('counter'), { start: 1 }],
      [own, { start: 1 }],
      [own, {}],
      [own, { start: 'seven' }],
      [own, { start: 1, extra: 2 }],
      ['nodes: [unclosed', {}],
      ['no-such-tube', {}],
      [own.replace('noob.testing.count_source', 'noob.testing.count_sorce'), { start: 1 }],
      [own.replace('noob.testing.count_source', './evil.ts#x'), { start: 1 }],
      ['extended', { start: 1 }],
      ['nests', {}],
    ];
    for (const [tube, inputs] of cases) {
      const uncached = await outcome(checkTube(tube, inputs, options));
      const label = `${tube.slice(0, 40)} ${JSON.stringify(inputs)}`;
      expect(await outcome(cache.check(tube, inputs)), label).toEqual(uncached);
      expect(await outcome(cache.check(tube, inputs)), label).toEqual(uncached);
    }
    // Only the tubes that depend on their own text alone were kept (not errors, not
    // `extends`, not nested tubes); the registered tube by noob_id and by its text is one.
    expect(cache.size).toBe(2);
  });

  it('behavior: an edited tube file is checked again at once, even at the same size', async () => {
    write('counter.yaml', counter('counter', 'a'));
    const first = await cache.check('counter', { start: 1 });
    expect(first.tube.nodes.map((n) => n.id)).toEqual(['a', 'r']);
    write('counter.yaml', counter('counter', 'b'));
    const edited = await cache.check('counter', { start: 1 });
    expect(edited.tube.nodes.map((n) => n.id)).toEqual(['b', 'r']);
    expect(edited.text).toBe(readFileSync(join(folder, 'counter.yaml'), 'utf8'));
    write('counter.yaml', counter('counter').replace('count_source', 'no_source'));
    await expect(cache.check('counter', { start: 1 })).rejects.toMatchObject({
      name: 'TubeLoadError',
    });
  });

  it('behavior: a tube file edited after its stat was trusted is read again (its signature changed)', async () => {
    write('counter.yaml', counter('counter', 'a'));
    // A second after the file's last change: its text is kept while its stat is the same.
    const settled = new ManualClock(statSync(join(folder, 'counter.yaml')).ctimeMs + 2_000);
    const trusting = new TubeCheckCache(options, { clock: settled });
    expect((await trusting.check('counter', { start: 1 })).tube.nodes[0]!.id).toBe('a');
    expect((await trusting.check('counter', { start: 1 })).tube.nodes[0]!.id).toBe('a');
    // Another size: its stat differs even within the same tick of the file times.
    write('counter.yaml', counter('counter', 'bb'));
    const edited = await trusting.check('counter', { start: 1 });
    expect(edited.tube.nodes.map((n) => n.id)).toEqual(['bb', 'r']);
    rmSync(join(folder, 'counter.yaml'));
    settled.advance(2_000);
    await expect(trusting.check('counter', { start: 1 })).rejects.toThrow(/counter/);
  });

  it('behavior: a tube file added to the folders is found once the listing is older than listingMaxAgeMs', async () => {
    write('counter.yaml', counter('counter'));
    await cache.check('counter', { start: 1 });
    mkdirSync(join(folder, 'more'));
    write(join('more', 'late.yaml'), counter('late'));
    // The listing is still fresh: the new file is not looked for yet.
    await expect(cache.check('late', { start: 1 })).rejects.toThrow(
      'no registered tube with noob_id "late"',
    );
    clock.advance(1_001);
    expect((await cache.check('late', { start: 1 })).id).toBe('late');
  });

  it('behavior: a removed tube file is no longer found, at once', async () => {
    write('counter.yaml', counter('counter'));
    await cache.check('counter', { start: 1 });
    rmSync(join(folder, 'counter.yaml'));
    await expect(cache.check('counter', { start: 1 })).rejects.toThrow(
      'no registered tube with noob_id "counter"',
    );
  });

  it('behavior: a noob_id that moved to another file is followed at once', async () => {
    write('a.yaml', counter('moving'));
    await cache.check('moving', { start: 1 });
    write('a.yaml', counter('elsewhere'));
    write('b.yaml', counter('moving', 'b'));
    const moved = await cache.check('moving', { start: 1 });
    expect(moved.tube.file).toBe(join(folder, 'b.yaml'));
    expect(moved.tube.nodes.map((n) => n.id)).toEqual(['b', 'r']);
  });

  it('behavior: a tube that extends another is checked afresh, so an edited base is seen', async () => {
    write('base.yaml', counter('base'));
    write('extends.yaml', extending('extended', 'base'));
    expect((await cache.check('extended', { start: 1 })).tube.nodes[0]!.id).toBe('a');
    write('base.yaml', counter('base', 'b'));
    await expect(cache.check('extended', { start: 1 })).rejects.toThrow(/invalid tube/);
    expect(cache.size).toBe(0);
  });

  it('behavior: a type the registry resolves to another definition now is checked again', async () => {
    const registry = createRegistry({ modules: 'deny' });
    registry.register('acme.count', standardNodes['noob.testing.count_source']!);
    cache = new TubeCheckCache({ ...options, registry }, { clock });
    const tube = counter('own').replace('noob.testing.count_source', 'acme.count');
    const first = await cache.check(tube, { start: 1 });
    expect(await cache.check(tube, { start: 1 })).toBe(first);
    const replacement = defineNode({ process: () => 1, signals: ['index'] });
    registry.register('acme.count', replacement);
    const again = await cache.check(tube, { start: 1 });
    expect(again).not.toBe(first);
    expect(again.tube.nodes[0]!.definition).toBe(replacement);
    expect(cache.size).toBe(1);
  });

  it('behavior: it keeps at most maxEntries checks, dropping the least recently used', async () => {
    cache = new TubeCheckCache(options, { clock, maxEntries: 2 });
    const [a, b, c] = ['a', 'b', 'c'].map((id) => counter(id));
    const kept = await cache.check(a!, { start: 1 });
    const dropped = await cache.check(b!, { start: 1 });
    expect(await cache.check(a!, { start: 1 })).toBe(kept);
    await cache.check(c!, { start: 1 });
    expect(cache.size).toBe(2);
    expect(await cache.check(a!, { start: 1 })).toBe(kept);
    expect(await cache.check(b!, { start: 1 })).not.toBe(dropped);
  });

  it('behavior: inputs that JSON cannot hold are checked without the cache', async () => {
    const own = counter('own');
    const error = await outcome(cache.check(own, { start: Number.NaN }));
    expect(error).toEqual(await outcome(checkTube(own, { start: Number.NaN }, options)));
    expect(cache.size).toBe(0);
  });

  it('behavior: concurrent checks of the same tube keep one entry, its text counted once', async () => {
    const own = counter('own');
    const checks = await Promise.all(
      Array.from({ length: 8 }, () => cache.check(own, { start: 1 })),
    );
    expect(new Set(checks).size).toBe(1);
    expect(cache.size).toBe(1);
    expect(cache.textChars).toBe(own.length);
  });

  it('behavior: after many concurrent rounds of hits and misses, new tubes are still kept', async () => {
    // A registry makes each hit wait for its types to resolve: checks interleave there.
    const own = counter('own');
    cache = new TubeCheckCache(
      { ...options, registry: countingRegistry() },
      { clock, maxTextChars: 3 * own.length },
    );
    for (let round = 0; round < 20; round++) {
      await Promise.all(Array.from({ length: 8 }, () => cache.check(own, { start: round % 2 })));
    }
    expect(cache.textChars).toBe(2 * own.length);
    const fresh = counter('fresh');
    const kept = await cache.check(fresh, { start: 1 });
    expect(await cache.check(fresh, { start: 1 })).toBe(kept);
    expect(cache.size).toBe(2);
    expect(cache.textChars).toBe(own.length + fresh.length);
  });

  it('behavior: concurrent misses of the same check load it once', async () => {
    const registry = countingRegistry();
    const own = counter('own');
    await checkTube(own, { start: 1 }, { ...options, registry });
    const perLoad = registry.resolved;
    expect(perLoad).toBeGreaterThan(0);
    registry.resolved = 0;
    cache = new TubeCheckCache({ ...options, registry }, { clock });
    await Promise.all(Array.from({ length: 8 }, () => cache.check(own, { start: 1 })));
    expect(registry.resolved).toBe(perLoad);
  });

  it('error: a failed load reaches every concurrent check and is not kept', async () => {
    const registry = countingRegistry();
    const bad = counter('own').replace('noob.testing.count_source', 'noob.testing.count_sorce');
    const uncached = await outcome(checkTube(bad, { start: 1 }, { ...options, registry }));
    expect(uncached.error?.name).toBe('TubeLoadError');
    const perLoad = registry.resolved;
    registry.resolved = 0;
    cache = new TubeCheckCache({ ...options, registry }, { clock });
    const outcomes = await Promise.all(
      Array.from({ length: 8 }, () => outcome(cache.check(bad, { start: 1 }))),
    );
    expect(outcomes).toEqual(Array.from({ length: 8 }, () => uncached));
    expect(registry.resolved).toBe(perLoad);
    expect(cache.size).toBe(0);
    // Checked again, not answered from a kept error.
    expect(await outcome(cache.check(bad, { start: 1 }))).toEqual(uncached);
    expect(registry.resolved).toBe(2 * perLoad);
  });

  it('behavior: inputs nested too deep for a key are checked without the cache, not thrown on', async () => {
    const own = counter('own');
    for (const inputs of [{ start: nested(20_000) }, { start: nested(64) }]) {
      const uncached = await outcome(checkTube(own, inputs, options));
      expect(await outcome(cache.check(own, inputs))).toEqual(uncached);
    }
    expect(cache.size).toBe(0);
  });
});

describe('POST /v1/jobs', () => {
  it('error: inputs nested 20,000 deep are a 400 naming inputs, not a 500', async () => {
    const env = await apiTestEnv();
    try {
      // Written by hand: JSON.stringify itself overflows the stack on it.
      const deep = `${'['.repeat(20_000)}1${']'.repeat(20_000)}`;
      const body = `{"tube":"testing-basic","inputs":{"start":${deep}}}`;
      const response = await env.app.request('/v1/jobs', authed(env.acme, 'POST', body));
      expect(response.status).toBe(400);
      const { error } = (await response.json()) as {
        error: { code: string; message: string; details: Array<{ field: string }> };
      };
      expect(error.code).toBe('invalid_request');
      expect(error.details.map((d) => d.field)).toEqual(['inputs']);
      expect(error.message).toContain('inputs');
    } finally {
      await env.close();
    }
  });
});
