import { describe, expect, it } from 'vitest';
import { Epoch } from './epoch.ts';

describe('Epoch', () => {
  it('default: text form round-trips', () => {
    const epoch = new Epoch(3).child('split', 0).child('letters', 2);
    expect(String(epoch)).toBe('3/(split,0)/(letters,2)');
    expect(Epoch.parse(String(epoch))).toEqual(epoch);
    expect(String(epoch.parent)).toBe('3/(split,0)');
    expect(String(epoch.atDepth(0))).toBe('3');
  });

  it('behavior: orders by root, then item by item, parents first', () => {
    const texts = ['1', '0/(m,1)', '0/(m,0)/(n,1)', '0', '0/(m,0)', '0/(m,10)'];
    const sorted = texts
      .map((t) => Epoch.parse(t))
      .sort(Epoch.compare)
      .map(String);
    expect(sorted).toEqual(['0', '0/(m,0)', '0/(m,0)/(n,1)', '0/(m,1)', '0/(m,10)', '1']);
  });

  it('error: parse rejects text that is not an epoch', () => {
    expect(() => Epoch.parse('x/(m,1)')).toThrow(/not an epoch/);
    expect(() => Epoch.parse('1/(m)')).toThrow(/not an epoch/);
  });
});
