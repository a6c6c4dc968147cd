import { describe, expect, it } from 'vitest';
import { Epoch } from '../../epoch.ts';
import { Counter } from './counter.ts';
import { fastForward, increment, jump, rewind, zipIter } from './generators.ts';

const ctx = { nodeId: 'gen', epoch: new Epoch(0), signal: new AbortController().signal };

describe('fast_forward', () => {
  it('default', () => {
    const counter = new Counter(1);
    expect(fastForward.signals).toEqual(['next']);
    expect(fastForward.process!({ generator: counter }, ctx)).toBe(1);
    expect(counter.current).toBe(2);
  });

  it('behavior: advances n times and returns the last value', () => {
    const counter = new Counter(1);
    expect(fastForward.process!({ generator: counter, n: 3 }, ctx)).toBe(3);
    expect(fastForward.process!({ generator: counter, n: 3 }, ctx)).toBe(6);
  });

  it('error: n below 1 or a finished iterator', () => {
    expect(() => fastForward.process!({ generator: new Counter(), n: 0 }, ctx)).toThrow(/`n`/);
    expect(() => fastForward.process!({ generator: [1][Symbol.iterator](), n: 2 }, ctx)).toThrow(
      /finished after 1 of 2/,
    );
  });
});

describe('jump', () => {
  it('behavior: emits the generator and the last value', () => {
    const counter = new Counter(1);
    expect(jump.signals).toEqual(['skirttt', 'next']);
    // Compare by reference: a counter is an endless iterable, so deep equality would walk it.
    const out = jump.process!({ generator: counter, n: 2 }, ctx) as Record<string, unknown>;
    expect(out.skirttt).toBe(counter);
    expect(out.next).toBe(2);
  });

  it('behavior: n = 0 leaves the generator alone and gives 0', () => {
    const counter = new Counter(5);
    const out = jump.process!({ generator: counter, n: 0 }, ctx) as Record<string, unknown>;
    expect(out.skirttt).toBe(counter);
    expect(out.next).toBe(0);
    expect(counter.current).toBe(5);
  });
});

describe('rewind', () => {
  it('behavior: a new counter n behind the next value', () => {
    const counter = new Counter(10);
    const rewound = rewind.process!({ generator: counter, n: 3 }, ctx) as Counter;
    expect(rewind.signals).toEqual(['skrittt']);
    expect(counter.current).toBe(11);
    expect(rewound.next().value).toBe(7);
  });
});

describe('zip_iter', () => {
  it('behavior: the next value of each positional iterator', () => {
    expect(zipIter.process!({ 0: new Counter(1), 1: new Counter(10) }, ctx)).toEqual([1, 10]);
  });
});

describe('increment', () => {
  it('behavior: emits the iterator and the last value', () => {
    const counter = new Counter();
    expect(increment.signals).toEqual(['iterator', 'value']);
    const out = increment.process!({ iterator: counter, increment: 2 }, ctx) as Record<
      string,
      unknown
    >;
    expect(out.iterator).toBe(counter);
    expect(out.value).toBe(1);
    expect(counter.current).toBe(2);
  });
});
