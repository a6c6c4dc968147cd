import { describe, expect, it } from 'vitest';
import { defineNode } from '../node/define.ts';
import { createRegistry } from '../node/registry.ts';
import { loadTubeFromText } from './load.ts';

/** The problems a load reports, one message each (file:line: message). */
async function problems(yaml: string, input?: Record<string, unknown>): Promise<string[]> {
  const error: any = await loadTubeFromText(yaml, { file: 't.yaml', ...(input ? { input } : {}) })
    .then(() => undefined)
    .catch((e: unknown) => e);
  expect(error?.name).toBe('TubeLoadError');
  return (error.details as string).split('\n').map((line) => line.replace(/^ {2}- /, ''));
}

describe('load checks', () => {
  it('error: a process-scoped input in node params is refused, given or not', async () => {
    const yaml = `noob_id: t
input:
  start: {type: int, scope: process}
nodes:
  a: {type: noob.testing.count_source, params: {start: input.start}}
  out: {type: return, depends: a.index}
`;
    for (const input of [undefined, { start: 7 }]) {
      const found = await problems(yaml, input);
      expect(found).toEqual([
        expect.stringMatching(
          /^t\.yaml:5: node a: param start refers to input\.start, which is process-scoped .* bound once, at load/,
        ),
      ]);
    }
  });

  it('error: a process-scoped input in asset params or enabled is refused too', async () => {
    const found = await problems(`noob_id: t
input:
  on: {type: bool, scope: process}
  start: {type: int, scope: process}
assets:
  c: {type: noob.testing.counter, params: {start: input.start}, scope: runner}
nodes:
  a: {type: noob.testing.fast_forward, enabled: input.on, depends: [{generator: assets.c}]}
  out: {type: return, depends: a.next}
`);
    expect(found).toEqual([
      expect.stringMatching(
        /^t\.yaml:6: asset c: param start refers to input\.start, which is process-scoped/,
      ),
      expect.stringMatching(
        /^t\.yaml:8: node a: enabled refers to input\.on, which is process-scoped/,
      ),
    ]);
  });

  it('error: an unknown param names the node and line and suggests the close one', async () => {
    const found = await problems(`noob_id: t
nodes:
  a:
    type: noob.testing.count_source
    params: {strat: 3}
  out: {type: return, depends: a.index}
`);
    expect(found).toEqual([
      't.yaml:5: node a: noob.testing.count_source takes no param "strat". Did you mean "start"? (its params: limit, start)',
    ]);
  });

  it('error: a param named like an object property (toString) is unknown too', async () => {
    expect(
      await problems(`noob_id: t
nodes:
  a: {type: noob.testing.count_source, params: {toString: 3}}
  out: {type: return, depends: a.index}
`),
    ).toEqual([
      't.yaml:3: node a: noob.testing.count_source takes no param "toString" (its params: limit, start)',
    ]);
  });

  it('error: a param of the wrong type, written or from an input, is refused', async () => {
    expect(
      await problems(`noob_id: t
nodes:
  a: {type: noob.testing.count_source, params: {start: abc}}
  g: {type: gather, params: {n: five}, depends: [{value: a.index}]}
  out: {type: return, depends: g.value}
`),
    ).toEqual([
      't.yaml:3: node a: param start: expected an integer, got the string "abc"',
      't.yaml:4: node g: param n: expected int or null, got the string "five"',
    ]);
    expect(
      await problems(
        `noob_id: t
input:
  n: {type: any}
nodes:
  a: {type: noob.testing.count_source}
  g: {type: gather, params: {n: input.n}, depends: [{value: a.index}]}
  out: {type: return, depends: g.value}
`,
        { n: 'five' },
      ),
    ).toEqual(['t.yaml:6: node g: param n (input.n): expected int or null, got the string "five"']);
  });

  it("behavior: a function node's params may fill its slots; undeclared nodes are not checked", async () => {
    const loose = defineNode({ process: ({ x }) => x });
    const registry = createRegistry();
    registry.register('loose', loose);
    const tube = await loadTubeFromText(
      `noob_id: t
nodes:
  a: {type: noob.testing.count_source}
  m: {type: noob.testing.multiply, params: {right: 3}, depends: [{left: a.index}]}
  l: {type: loose, params: {anything: 1, x: 2}}
  out: {type: return, depends: m.value}
`,
      { registry },
    );
    expect(tube.nodes.map((node) => node.id)).toEqual(['a', 'm', 'l', 'out']);
  });

  it('error: an input of unknown type is refused with the close type', async () => {
    expect(
      await problems(`noob_id: t
input:
  start: {type: integr, default: 1}
nodes:
  a: {type: noob.testing.count_source, params: {start: input.start}}
  out: {type: return, depends: a.index}
`),
    ).toEqual([
      expect.stringMatching(
        /^t\.yaml:3: input start: unknown type "integr"\. Did you mean "int"\?/,
      ),
    ]);
  });

  it("error: a default that does not fit its input's type is refused", async () => {
    expect(
      await problems(`noob_id: t
input:
  start: {type: int, default: five}
nodes:
  a: {type: noob.testing.count_source, params: {start: input.start}}
  out: {type: return, depends: a.index}
`),
    ).toEqual(['t.yaml:3: input start: default (int): expected an integer, got the string "five"']);
  });

  it('error: a tube without noob_id says so plainly and still lists its other problems', async () => {
    const found = await problems(`nodes:
  a: {type: noob.testing.count_source, params: {strat: 3}}
  out: {type: return, depends: a.value}
`);
    expect(found).toEqual([
      expect.stringMatching(/^t\.yaml: the tube has no noob_id .*noob_id: my-tube/),
      expect.stringMatching(/^t\.yaml:2: node a: .* no param "strat"/),
      expect.stringMatching(
        /^t\.yaml:3: node out depends on a\.value, but node a has no signal "value"/,
      ),
    ]);
  });

  it('behavior: asset params take tube-scoped input values', async () => {
    const tube = await loadTubeFromText(
      `noob_id: t
input:
  start: {type: int, scope: tube}
assets:
  counter: {type: noob.testing.counter, params: {start: input.start}, scope: runner}
nodes:
  ff: {type: noob.testing.fast_forward, depends: [{generator: assets.counter}]}
  out: {type: return, depends: ff.next}
`,
      { input: { start: 7 } },
    );
    expect(tube.assets.counter!.params).toEqual({ start: 7 });
    expect(tube.assets.counter!.rawParams).toEqual({ start: 'input.start' });
  });

  it('behavior: the bound inputs hold the defaults of inputs not given (for nested tubes)', async () => {
    const tube = await loadTubeFromText(
      `noob_id: t
input:
  start: {type: int, default: 5}
  none: {type: int, default: null, required: false}
  given: {type: int}
nodes:
  a: {type: noob.testing.count_source, params: {start: input.start}}
  out: {type: return, depends: a.index}
`,
      { input: { given: 1 } },
    );
    expect(tube.input).toEqual({ start: 5, given: 1 });
  });
});
