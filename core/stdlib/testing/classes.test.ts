import { describe, expect, it } from 'vitest';
import { Epoch } from '../../epoch.ts';
import {
  countSourceClass,
  countSourceDecor,
  InitCounter,
  initCounter,
  multiplyClass,
  now,
  StatefulMultiply,
  statefulMultiply,
  unannotatedGenerator,
  volume,
} from './classes.ts';

const ctx = { nodeId: 'cls', epoch: new Epoch(0), signal: new AbortController().signal };

function take(iterator: Iterator<unknown> | AsyncIterator<unknown>, n: number): unknown[] {
  const out: unknown[] = [];
  for (let i = 0; i < n; i++) {
    const result = (iterator as Iterator<unknown>).next();
    if (result.done) break;
    out.push(result.value);
  }
  return out;
}

describe('StatefulMultiply', () => {
  it('default', () => {
    expect(statefulMultiply.kind).toBe('class');
    expect(statefulMultiply.stateful).toBe(true);
    const node = new statefulMultiply.class!({});
    expect(node.process({ left: 5 }, ctx)).toBe(0);
    expect(node.process({ left: 5 }, ctx)).toBe(5);
  });

  it('behavior: the factor grows by one per call from start', () => {
    const node = new StatefulMultiply({ start: 1 });
    expect([1, 2, 3].map((left) => node.process({ left, right: 2 }))).toEqual([2, 8, 18]);
  });
});

describe('Multiply, Volume, Now', () => {
  it('behavior: Multiply emits product', () => {
    expect(multiplyClass.signals).toEqual(['product']);
    expect(new multiplyClass.class!({}).process({ left: 3 }, ctx)).toBe(6);
  });

  it('behavior: Volume is height × width × depth', () => {
    expect(volume.signals).toEqual(['volume']);
    expect(new volume.class!({}).process({ width: 2, depth: 3 }, ctx)).toBe(12);
    expect(new volume.class!({ height: 1 }).process({ width: 2, depth: 3 }, ctx)).toBe(6);
  });

  it('behavior: Now prefixes its construction time', () => {
    expect(now.signals).toEqual(['timestamp']);
    const node = new now.class!({});
    const first = node.process({}, ctx) as string;
    expect(first).toMatch(/^Now: \d{4}-\d\d-\d\dT/);
    expect(node.process({ prefix: '' }, ctx)).toBe(first.slice('Now: '.length));
  });
});

describe('InitCounter', () => {
  it('behavior: reports init and deinit calls', async () => {
    expect(initCounter.signals).toEqual(['inits', 'deinits']);
    const node = new InitCounter();
    node.init();
    expect(await node.process({}, ctx)).toEqual({ inits: 1, deinits: 0 });
    node.deinit();
    node.init();
    expect(await node.process({}, ctx)).toEqual({ inits: 2, deinits: 1 });
  });
});

describe('CountSource, UnannotatedGenerator, CountSourceDecor', () => {
  it('behavior: count below limit, on their own signals', () => {
    expect(countSourceClass.signals).toEqual(['index']);
    expect(unannotatedGenerator.signals).toEqual(['value']);
    expect(countSourceDecor.signals).toEqual(['count']);
    expect(take(countSourceClass.generate!({ start: 998 }, ctx), 5)).toEqual([998, 999]);
    expect(take(unannotatedGenerator.generate!({ limit: 2 }, ctx), 5)).toEqual([0, 1]);
    expect(take(countSourceDecor.generate!({ start: 3 }, ctx), 3)).toEqual([3, 4, 5]);
  });
});
