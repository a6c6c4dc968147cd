import { describe, expect, it } from 'vitest';
import { NoEvent } from '../../events.ts';
import { countSource, cycle, letterSource, switchSource } from './sources.ts';

const ctx = { nodeId: 'source', signal: new AbortController().signal };

function take(iterator: Iterator<unknown>, n: number): unknown[] {
  const out: unknown[] = [];
  for (let i = 0; i < n; i++) {
    const result = iterator.next();
    if (result.done) break;
    out.push(result.value);
  }
  return out;
}

describe('count_source', () => {
  it('default', () => {
    expect(countSource.signals).toEqual(['index']);
    expect(countSource.kind).toBe('generator');
    expect(countSource.stateful).toBe(true);
    expect(take(countSource.generate!({}, ctx) as Iterator<unknown>, 3)).toEqual([0, 1, 2]);
  });

  it('behavior: starts at start and stops below limit', () => {
    const it = countSource.generate!({ start: 7, limit: 10 }, ctx) as Iterator<unknown>;
    expect(take(it, 10)).toEqual([7, 8, 9]);
    expect(it.next().done).toBe(true);
  });

  it('behavior: the default limit is 10000', () => {
    const values = take(countSource.generate!({}, ctx) as Iterator<unknown>, 20_000);
    expect(values).toHaveLength(10_000);
    expect(values.at(-1)).toBe(9999);
  });

  it('behavior: limit 0 never stops', () => {
    const values = take(countSource.generate!({ limit: 0 }, ctx) as Iterator<unknown>, 20_000);
    expect(values).toHaveLength(20_000);
  });
});

describe('letter_source', () => {
  it('behavior: cycles a to z', () => {
    const letters = take(letterSource.generate!({}, ctx) as Iterator<unknown>, 28);
    expect(letters.slice(0, 3)).toEqual(['a', 'b', 'c']);
    expect(letters.slice(24)).toEqual(['y', 'z', 'a', 'b']);
  });
});

describe('switch', () => {
  it('behavior: exactly one signal fires per call, in rotation', () => {
    expect(switchSource.signals).toEqual(['fruits', 'vegetables', 'minerals']);
    const calls = take(switchSource.generate!({}, ctx) as Iterator<unknown>, 7) as Record<
      string,
      unknown
    >[];
    const fired = calls.map((call) =>
      Object.entries(call)
        .filter(([, value]) => value !== NoEvent)
        .map(([signal, value]) => `${signal}:${value}`),
    );
    expect(fired).toEqual([
      ['fruits:apple'],
      ['vegetables:daikon'],
      ['minerals:galaxite'],
      ['fruits:banana'],
      ['vegetables:eggplant'],
      ['minerals:halite'],
      ['fruits:cherry'],
    ]);
    expect(calls[0]).toEqual({ fruits: 'apple', vegetables: NoEvent, minerals: NoEvent });
  });

  it('behavior: each signal cycles its own three values', () => {
    const calls = take(switchSource.generate!({}, ctx) as Iterator<unknown>, 12) as Record<
      string,
      unknown
    >[];
    expect(calls.map((call) => call.minerals).filter((v) => v !== NoEvent)).toEqual([
      'galaxite',
      'halite',
      'iolite',
      'galaxite',
    ]);
  });
});

describe('cycle', () => {
  it('default', () => {
    const values = take(cycle.generate!({}, ctx) as Iterator<unknown>, 102);
    expect(values.slice(98)).toEqual([98, 99, 0, 1]);
  });

  it('behavior: follows range(start, stop, step), including negative steps', () => {
    expect(
      take(cycle.generate!({ start: 1, stop: 7, step: 2 }, ctx) as Iterator<unknown>, 5),
    ).toEqual([1, 3, 5, 1, 3]);
    expect(
      take(cycle.generate!({ start: 3, stop: 0, step: -1 }, ctx) as Iterator<unknown>, 4),
    ).toEqual([3, 2, 1, 3]);
  });

  it('error: an empty range or a zero step is refused', () => {
    expect(() => cycle.generate!({ start: 5, stop: 5 }, ctx)).toThrow(/empty range/);
    expect(() => cycle.generate!({ step: 0 }, ctx)).toThrow(/step/);
  });
});
