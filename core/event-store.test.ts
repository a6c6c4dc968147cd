import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BASIC_TUBE, OWN } from '../test/conformance/suite.ts';
import { Epoch } from './epoch.ts';
import { EventStore } from './event-store.ts';
import { SyncRunner } from './runners/sync.ts';
import { loadTube } from './tube/load.ts';

describe('EventStore', () => {
  it('default: keeps a run’s events by epoch, node and signal', async () => {
    const runner = new SyncRunner(await loadTube(BASIC_TUBE));
    const store = new EventStore();
    runner.on('event', (event) => store.add(event));
    await runner.run(3);
    await runner.deinit();
    expect(store.size).toBe(6);
    expect(store.get('b', 'value', 2)?.value).toBe(4);
    expect(store.events().map((e) => `${e.epoch}:${e.nodeId}`)).toEqual([
      '0:a',
      '0:b',
      '1:a',
      '1:b',
      '2:a',
      '2:b',
    ]);
  });

  it('behavior: a sub-epoch lookup falls back to the parent epoch', async () => {
    const runner = new SyncRunner(await loadTube(join(OWN, 'map', 'map_depends.yaml')));
    const store = new EventStore();
    runner.on('event', (event) => store.add(event));
    await runner.run(2);
    await runner.deinit();
    const subEpoch = new Epoch(1, [{ nodeId: 'letters', index: 0 }]);
    expect(store.get('count', 'index', subEpoch)?.value).toBe(1);
    expect(store.get('loud', 'value', subEpoch)?.value).toMatch(/^[a-z]!$/);
  });

  it('behavior: clear(epoch) forgets that epoch and its sub-epochs only', async () => {
    const runner = new SyncRunner(await loadTube(join(OWN, 'map', 'map_basic.yaml')));
    const store = new EventStore();
    runner.on('event', (event) => store.add(event));
    await runner.run(2);
    await runner.deinit();
    store.clear(0);
    expect(store.events().every((event) => event.epoch.root === 1)).toBe(true);
    expect(store.get('words', 'word', 1)).toBeDefined();
  });
});
