import { describe, expect, it } from 'vitest';
import { whyUnsendable } from './sendable.ts';

describe('whyUnsendable', () => {
  it('default: plain data crosses either way', () => {
    const data = { a: [1, 'x', null, true, { b: [2.5] }], c: Object.create(null) };
    expect(whyUnsendable(data, 'json')).toBeUndefined();
    expect(whyUnsendable(data, 'clone')).toBeUndefined();
  });

  it('behavior: a structured clone takes dates, maps, sets, typed arrays and bigints; JSON does not', () => {
    for (const value of [new Date(0), new Map([[1, 2]]), new Set([1]), new Uint8Array(2), 1n]) {
      expect(whyUnsendable(value, 'clone')).toBeUndefined();
      expect(whyUnsendable(value, 'json')).toBeDefined();
    }
  });

  it('error: a function, an iterator or a class instance is named with where it is', () => {
    class Counter {
      n = 0;
    }
    expect(whyUnsendable({ counter: { next: () => 1 } }, 'json')).toBe(
      'a function at .counter.next',
    );
    expect(whyUnsendable([[1, 2].values()], 'clone')).toBe('an iterator at [0]');
    expect(whyUnsendable({ c: new Counter() }, 'clone')).toBe('an instance of Counter at .c');
    expect(whyUnsendable(new Map([['k', () => 1]]), 'clone')).toBe('a function at .get()');
  });

  it('behavior: a cycle is walked once; a clone keeps it, JSON cannot; a shared part is no cycle', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = { back: cyclic };
    expect(whyUnsendable(cyclic, 'clone')).toBeUndefined();
    expect(whyUnsendable(cyclic, 'json')).toBe('a cycle (JSON cannot hold one) at .self.back');
    const shared = { x: 1 };
    expect(whyUnsendable({ a: shared, b: [shared] }, 'json')).toBeUndefined();
  });
});
