import { describe, expect, it } from 'vitest';
import { createPicker, type WorkerStats } from './balancer.ts';

const worker = (url: string, inFlight = 0, averageMs?: number): WorkerStats => ({
  url,
  inFlight,
  averageMs,
});

describe('balancing strategies', () => {
  it('round-robin: takes turns', () => {
    const pick = createPicker('round-robin');
    const workers = [worker('a'), worker('b'), worker('c')];
    expect([1, 2, 3, 4].map(() => pick(workers).url)).toEqual(['a', 'b', 'c', 'a']);
  });

  it('least-loaded: the one with fewest calls in flight', () => {
    expect(createPicker('least-loaded')([worker('a', 3), worker('b', 1), worker('c', 2)]).url).toBe(
      'b',
    );
  });

  it('fastest-response: an unmeasured worker first, then the lowest average', () => {
    const pick = createPicker('fastest-response');
    expect(pick([worker('a', 0, 5), worker('b', 0, undefined)]).url).toBe('b');
    expect(pick([worker('a', 0, 5), worker('b', 0, 2)]).url).toBe('b');
  });

  it('random: follows its random source', () => {
    const values = [0.1, 0.9];
    const pick = createPicker('random', () => values.shift()!);
    const workers = [worker('a'), worker('b')];
    expect([pick(workers).url, pick(workers).url]).toEqual(['a', 'b']);
  });
});
