import { Epoch } from '../epoch.ts';
import type { ReadyCall } from './scheduler.ts';

/**
 * Ready calls of stateful nodes waiting for their turn, one min-heap per node ordered by
 * epoch. A stateful node runs one call at a time, earliest epoch first; with a map of n
 * items such a node (a gather, say) has up to n calls waiting, so taking the next one
 * costs O(log n) here instead of a scan of every waiting call.
 */
export class StatefulQueue {
  readonly #heaps = new Map<number, ReadyCall[]>();

  /** Queues a ready call of a stateful node. */
  push(call: ReadyCall): void {
    let heap = this.#heaps.get(call.node);
    if (!heap) {
      heap = [];
      this.#heaps.set(call.node, heap);
    }
    heap.push(call);
    let at = heap.length - 1;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (earlier(heap[parent]!, heap[at]!)) break;
      [heap[parent], heap[at]] = [heap[at]!, heap[parent]!];
      at = parent;
    }
  }

  /**
   * Removes and returns the earliest call, over every node, whose node `mayRun` allows
   * (checked on each node's earliest call only: a later call of the same node may run
   * only after it). Calls that `settled` (expired meanwhile) are dropped on the way.
   */
  take(
    mayRun: (call: ReadyCall) => boolean,
    settled: (call: ReadyCall) => boolean,
  ): ReadyCall | undefined {
    let best: ReadyCall[] | undefined;
    for (const [node, heap] of this.#heaps) {
      while (heap.length > 0 && settled(heap[0]!)) pop(heap);
      if (heap.length === 0) {
        this.#heaps.delete(node);
        continue;
      }
      if (!mayRun(heap[0]!)) continue;
      if (!best || earlier(heap[0]!, best[0]!)) best = heap;
    }
    return best ? pop(best) : undefined;
  }
}

function earlier(a: ReadyCall, b: ReadyCall): boolean {
  return Epoch.compare(a.state.epoch, b.state.epoch) <= 0;
}

function pop(heap: ReadyCall[]): ReadyCall {
  const top = heap[0]!;
  const last = heap.pop()!;
  if (heap.length === 0) return top;
  heap[0] = last;
  let at = 0;
  for (;;) {
    const left = 2 * at + 1;
    const right = left + 1;
    let first = at;
    if (left < heap.length && !earlier(heap[first]!, heap[left]!)) first = left;
    if (right < heap.length && !earlier(heap[first]!, heap[right]!)) first = right;
    if (first === at) return top;
    [heap[first], heap[at]] = [heap[at]!, heap[first]!];
    at = first;
  }
}
