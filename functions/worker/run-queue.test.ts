import { describe, expect, it } from 'vitest';
import { RunQueue } from './run-queue.ts';

/** A call that blocks its thread for `ms` (a CPU-bound node), then records its name. */
const busy = (order: string[], name: string, ms: number) => async () => {
  const until = performance.now() + ms;
  while (performance.now() < until) {}
  order.push(name);
};

describe('RunQueue', () => {
  it('default: calls start in the order they came, one finishing before the next starts', async () => {
    const queue = new RunQueue();
    const order: string[] = [];
    await Promise.all(['a', 'b', 'c'].map((name) => queue.run(busy(order, name, 2), false)));
    expect(order).toEqual(['a', 'b', 'c']);
  });

  it('behavior: a stateful call that arrives during a long batch runs after the call running, not after the batch', async () => {
    const queue = new RunQueue();
    const order: string[] = [];
    const batch = ['n1', 'n2', 'n3', 'n4'].map((name) => queue.run(busy(order, name, 5), false));
    // Arrives (as a request would) while n1 runs.
    const source = new Promise<void>((resolve) =>
      setImmediate(() => resolve(queue.run(busy(order, 'source', 0), true))),
    );
    await Promise.all([...batch, source]);
    expect(order.indexOf('source')).toBeLessThanOrEqual(2);
    expect(order.filter((name) => name !== 'source')).toEqual(['n1', 'n2', 'n3', 'n4']);
  });

  it('behavior: an async call does not hold the queue while it waits', async () => {
    const queue = new RunQueue();
    const order: string[] = [];
    const slow = queue.run(async () => {
      await new Promise((resolve) => setTimeout(resolve, 30));
      order.push('slow');
    }, false);
    const quick = queue.run(busy(order, 'quick', 0), false);
    await Promise.all([slow, quick]);
    expect(order).toEqual(['quick', 'slow']);
  });
});
