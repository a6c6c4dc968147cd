import { describe, expect, it } from 'vitest';
import { TenantTurns } from './tenant-turns.ts';

describe('TenantTurns', () => {
  it('behavior: tenants take turns, whoever queued more', () => {
    const turns = new TenantTurns<string>(10, 10);
    for (const item of ['a1', 'a2', 'a3']) turns.add('a', item);
    turns.add('b', 'b1');
    turns.add('c', 'c1');
    const order = [turns.next(), turns.next(), turns.next(), turns.next(), turns.next()];
    expect(order).toEqual(['a1', 'b1', 'c1', 'a2', 'a3']);
    expect(turns.next()).toBeUndefined();
  });

  it('behavior: a tenant holding maxRunning items waits; others go past it', () => {
    const turns = new TenantTurns<string>(1, 10);
    turns.add('a', 'a1');
    turns.add('a', 'a2');
    turns.add('b', 'b1');
    expect(turns.next()).toBe('a1');
    expect(turns.next()).toBe('b1');
    expect(turns.next()).toBeUndefined(); // a2 waits for a1
    turns.done('a');
    expect(turns.next()).toBe('a2');
  });

  it('error: past maxWaiting a tenant is refused; another tenant is not', () => {
    const turns = new TenantTurns<number>(1, 2);
    expect(turns.add('a', 1)).toBe(true);
    expect(turns.add('a', 2)).toBe(true);
    expect(turns.add('a', 3)).toBe(false);
    expect(turns.add('b', 4)).toBe(true);
    expect(turns.waiting).toBe(3);
    expect(turns.drain().sort()).toEqual([1, 2, 4]);
    expect(turns.waiting).toBe(0);
  });
});
