import { describe, expect, it } from 'vitest';
import { isAssetDefinition } from '../../node/asset.ts';
import { anyAsset, counter, counterCm, initializer } from './assets.ts';
import type { LifecycleCounter } from './counter.ts';

describe('counter', () => {
  it('default', async () => {
    expect(isAssetDefinition(counter)).toBe(true);
    const c = await counter.create({});
    expect(c.next()).toEqual({ value: 0, done: false });
    expect(c.current).toBe(1);
  });

  it('behavior: counts up from start and is iterable', async () => {
    const c = await counter.create({ start: 5 });
    const seen: number[] = [];
    for (const value of c) {
      seen.push(value);
      if (seen.length === 3) break;
    }
    expect(seen).toEqual([5, 6, 7]);
  });

  it('behavior: every create is a fresh counter', async () => {
    const a = await counter.create({ start: 1 });
    a.next();
    const b = await counter.create({ start: 1 });
    expect(b.current).toBe(1);
  });
});

describe('counter_cm', () => {
  it('behavior: records entry and exit, consuming one value each', async () => {
    const c = (await counterCm.create({ start: 0 })) as LifecycleCounter;
    expect(c.entered).toBe(1);
    expect(c.exited).toBe(0);
    expect(c.next().value).toBe(1);
    await counterCm.dispose!(c);
    expect(c.exited).toBe(1);
    expect(c.current).toBe(3);
  });
});

describe('AnyAsset and Initializer', () => {
  it('behavior: AnyAsset is its obj param, Initializer is true', async () => {
    expect(await anyAsset.create({})).toBeNull();
    expect(await anyAsset.create({ obj: { a: 1 } })).toEqual({ a: 1 });
    expect(await initializer.create({})).toBe(true);
  });
});
