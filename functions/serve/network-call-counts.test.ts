import { describe, expect, it } from 'vitest';
import { NetworkCallCounts } from './network-call-counts.ts';

describe('a run counting its calls on the network', () => {
  it('default: calls are counted in all and by node, each ending once as it did', () => {
    const counts = new NetworkCallCounts();
    counts.asked('t1', { node: 'square', epoch: '0' });
    counts.asked('t2', { node: 'square', epoch: '1' });
    counts.asked('t3', { node: 'out', epoch: '0' });
    expect(counts.ended('t1', 'done')).toEqual({ node: 'square', epoch: '0' });
    expect(counts.ended('t3', 'failed')).toEqual({ node: 'out', epoch: '0' });
    const { nodes, ...all } = counts.calls;
    expect(all).toEqual({ total: 3, done: 1, failed: 1, cancelled: 0 });
    expect(nodes!.square).toMatchObject({ total: 2, done: 1, failed: 0, cancelled: 0 });
    expect(nodes!.square!.runMs).toBeGreaterThanOrEqual(0);
    expect(nodes!.out).toEqual({ total: 1, done: 0, failed: 1, cancelled: 0, runMs: 0 });
    counts.ended('t2', 'cancelled');
    expect(counts.calls.nodes!.square).toMatchObject({ total: 2, done: 1, cancelled: 1 });
  });

  it('behavior: a call that ends without having been asked is counted under no node', () => {
    const counts = new NetworkCallCounts();
    expect(counts.ended('unknown', 'failed')).toEqual({ node: '', epoch: '' });
    expect(counts.calls.failed).toBe(1);
    expect(counts.calls.nodes!['']!.failed).toBe(1);
  });

  it("behavior: a tenant's nodes named __proto__ and constructor (valid tube ids) are counted as their own, and no object of the coordinator's process (other tenants' runs) gains their counts", () => {
    const counts = new NetworkCallCounts();
    try {
      counts.asked('t1', { node: '__proto__', epoch: '0' });
      counts.asked('t2', { node: 'constructor', epoch: '0' });
      counts.ended('t1', 'done');
      counts.ended('t2', 'failed');
      expect(({} as { total?: unknown }).total).toBeUndefined();
      expect((Object as unknown as { failed?: unknown }).failed).toBeUndefined();
      // As the coordinator writes them (network_node_calls_set reads this JSON).
      expect(JSON.parse(JSON.stringify(counts.calls.nodes))).toEqual({
        ['__proto__']: { total: 1, done: 1, failed: 0, cancelled: 0, runMs: expect.any(Number) },
        constructor: { total: 1, done: 0, failed: 1, cancelled: 0, runMs: 0 },
      });
    } finally {
      // Failing, it would have left them on every object of this test's process.
      for (const key of ['total', 'done', 'failed', 'cancelled', 'runMs']) {
        delete (Object.prototype as Record<string, unknown>)[key];
        delete (Object as unknown as Record<string, unknown>)[key];
      }
    }
  });
});
