import { describe, expect, it } from 'vitest';
import type { Event } from '../events.ts';
import { defineNode } from '../node/define.ts';
import { createRegistry } from '../node/registry.ts';
import { loadTubeFromText } from '../tube/load.ts';
import { SyncRunner } from './sync.ts';

/** A sync runner of tube text, with the events it emits. */
async function start(yaml: string) {
  const runner = new SyncRunner(await loadTubeFromText(yaml, { file: 'inline.yaml' }));
  const events: Event[] = [];
  runner.on('event', (event) => events.push(event));
  return { runner, events };
}

const value = (events: Event[], nodeId: string, signal: string, epoch: number) =>
  events.find(
    (e) => e.nodeId === nodeId && e.signal === signal && String(e.epoch) === String(epoch),
  )?.value;

describe('assets with depends, and node-scoped assets (upstream repros)', () => {
  it('behavior: repro-asset-copy: the stored counter is a copy c cannot advance (1, 3, 5)', async () => {
    const { runner } = await start(`noob_id: repro-asset-copy
assets:
  counter: {type: noob.testing.counter, params: {start: 1}, scope: runner, depends: b.iterator}
nodes:
  a: {type: noob.testing.increment, depends: [{iterator: assets.counter}]}
  b: {type: noob.testing.increment, depends: [{iterator: a.iterator}]}
  c: {type: noob.testing.increment, depends: [{iterator: b.iterator}]}
  out: {type: return, depends: a.value}
`);
    expect(await runner.run(3)).toEqual([1, 3, 5]);
    await runner.deinit();
  });

  it('behavior: with no other taker of the signal, the value is stored uncopied', async () => {
    const { runner, events } = await start(`noob_id: t
assets:
  counter: {type: noob.testing.counter, params: {start: 1}, scope: runner, depends: b.iterator}
nodes:
  a: {type: noob.testing.increment, depends: [{iterator: assets.counter}]}
  b: {type: noob.testing.increment, depends: [{iterator: a.iterator}]}
  out: {type: return, depends: a.value}
`);
    expect(await runner.run(3)).toEqual([1, 3, 5]);
    expect(value(events, 'a', 'iterator', 1)).toBe(value(events, 'b', 'iterator', 0));
    await runner.deinit();
  });

  it('behavior: a node-scoped counter_cm is exited right after the call that used it', async () => {
    const { runner, events } = await start(`noob_id: t
assets:
  counter: {type: noob.testing.counter_cm, params: {start: 1}, scope: node}
nodes:
  a: {type: noob.testing.increment, depends: [{iterator: assets.counter}]}
  b: {type: noob.testing.increment, depends: [{iterator: a.iterator}]}
  out: {type: return, depends: [{a: a.value}, {b: b.value}]}
`);
    expect(await runner.run(2)).toEqual([
      { a: 2, b: 4 },
      { a: 2, b: 4 },
    ]);
    expect((value(events, 'b', 'iterator', 0) as { exited: number }).exited).toBe(1);
    await runner.deinit();
  });

  it('error: a value that cannot be copied fails the epoch, naming the asset', async () => {
    const registry = createRegistry();
    registry.register(
      'gen',
      defineNode({
        process: () =>
          (function* () {
            yield 1;
          })(),
      }),
    );
    const tube = await loadTubeFromText(
      `noob_id: t
assets:
  held: {type: noob.testing.AnyAsset, scope: runner, depends: g.value}
nodes:
  g: {type: gen}
  out: {type: return, depends: g.value}
`,
      { registry },
    );
    const runner = new SyncRunner(tube);
    const error: any = await runner.process().catch((e: unknown) => e);
    expect(error.name).toBe('ValueCopyError');
    expect(error.message).toMatch(/asset held: cannot copy Generator/);
    await runner.deinit();
  });
});
