import { describe, expect, it } from 'vitest';
import { loadTubeFromText } from '../tube/load.ts';
import { EXPANSION_CHUNK } from './scheduler.ts';
import { SyncRunner } from './sync.ts';

/** Runs tube YAML text for `n` epochs and returns every process() result (nulls kept). */
async function results(yaml: string, n: number, inputs?: Record<string, unknown>) {
  const runner = new SyncRunner(await loadTubeFromText(yaml, { file: 'inline.yaml' }));
  const out: unknown[] = [];
  for (let i = 0; i < n; i++) out.push(await runner.process(inputs));
  await runner.deinit();
  return out;
}

/** Rows of cells: each cell exclaimed in the inner map, gathered back per row. */
const NESTED_MAPS = `
noob_id: t
input:
  rows: {type: list, scope: process}
nodes:
  rows: {type: map, depends: [{value: input.rows}]}
  cells: {type: map, depends: [{value: rows.value}]}
  loud: {type: noob.testing.exclaim, depends: [{string: cells.value}]}
  per_row: {type: gather, depends: [{value: loud.value}, {n: cells.n}]}
  out: {type: return, depends: [{cell: loud.value}, {row: per_row.value}]}
`;

describe('scheduler', () => {
  it('behavior: a gather inside a map that never reaches n settles as NoEvent in the parent epoch', async () => {
    const yaml = `
noob_id: t
input:
  items: {type: list, scope: process}
nodes:
  m: {type: map, depends: [{value: input.items}]}
  g: {type: gather, params: {n: 5}, depends: [{value: m.value}]}
  after: {type: noob.testing.concat, depends: [{strings: g.value}]}
  out: {type: return, depends: [{joined: after.value}, {n: m.n}]}
`;
    expect(await results(yaml, 1, { items: ['a', 'b'] })).toEqual([{ n: 2 }]);
  });

  it('behavior: a NoEvent expires required dependents transitively; optional ones still run', async () => {
    const yaml = `
noob_id: t
nodes:
  s: {type: noob.testing.switch}
  loud: {type: noob.testing.exclaim, depends: [{string: s.fruits}]}
  louder: {type: noob.testing.exclaim, depends: [{string: loud.value}]}
  either: {type: noob.testing.this_or_that, depends: [{this: louder.value}, {that: s.minerals}]}
  out: {type: return, depends: [{either: either.value}]}
`;
    expect(await results(yaml, 3)).toEqual([
      { either: { this: 'apple!!' } },
      { either: {} },
      { either: { that: 'galaxite' } },
    ]);
  });

  it('behavior: nested maps run the inner nodes once per inner item, in epoch order', async () => {
    expect(await results(NESTED_MAPS, 1, { rows: [['a', 'b'], ['c']] })).toEqual([
      { cell: ['a!', 'b!', 'c!'], row: [['a!', 'b!'], ['c!']] },
    ]);
  });

  it('behavior: a disabled node expires its required dependents; its optional dependents run', async () => {
    const yaml = `
noob_id: t
nodes:
  a: {type: noob.testing.count_source}
  off: {type: noob.testing.multiply, enabled: false, depends: [{left: a.index}]}
  needs: {type: noob.testing.multiply, depends: [{left: off.value}]}
  maybe: {type: noob.testing.this_or_that, depends: [{this: off.value}, {that: a.index}]}
  out: {type: return, depends: [{needs: needs.value}, {maybe: maybe.value}]}
`;
    expect(await results(yaml, 2)).toEqual([{ maybe: { that: 0 } }, { maybe: { that: 1 } }]);
  });

  it('behavior: once every source is exhausted, process() fails with TubeExhaustedError', async () => {
    const runner = new SyncRunner(
      await loadTubeFromText(
        'noob_id: t\nnodes:\n  a: {type: noob.testing.count_source, params: {limit: 2}}\n  out: {type: return, depends: a.index}\n',
      ),
    );
    expect([await runner.process(), await runner.process(), await runner.process()]).toEqual([
      0,
      1,
      null,
    ]);
    const error: any = await runner.process().catch((e: unknown) => e);
    expect(error.name).toBe('TubeExhaustedError');
    await runner.deinit();
  });

  it('behavior: a map larger than one chunk of sub-epochs gives every item once, in order', async () => {
    const size = EXPANSION_CHUNK * 2 + 7;
    const rows = [0, 1, 2].map((row) => Array.from({ length: size }, (_, i) => `${row}.${i}`));
    const [result] = (await results(NESTED_MAPS, 1, { rows })) as Array<{ row: string[][] }>;
    expect(result!.row).toEqual(rows.map((cells) => cells.map((cell) => `${cell}!`)));
  });
});
