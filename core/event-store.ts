import { Epoch } from './epoch.ts';
import type { Event } from './events.ts';

/**
 * Keeps the events of a run, by epoch, node and signal: what a dashboard, a debugger or a
 * test reads back. Attach one to any runner: `runner.on('event', (e) => store.add(e))`.
 * Looking an event up in a sub-epoch falls back to its parent epochs, as a node in a
 * sub-epoch sees its parent's values.
 */
export class EventStore {
  readonly #byEpoch = new Map<string, Map<string, Event>>();
  #count = 0;

  /** Records an event (a later event on the same node, signal and epoch replaces it). */
  add(event: Event): void {
    const key = String(event.epoch);
    let epoch = this.#byEpoch.get(key);
    if (!epoch) {
      epoch = new Map();
      this.#byEpoch.set(key, epoch);
    }
    if (!epoch.has(`${event.nodeId}.${event.signal}`)) this.#count++;
    epoch.set(`${event.nodeId}.${event.signal}`, event);
  }

  /** The event `nodeId.signal` emitted in `epoch` or, failing that, in its parent epochs. */
  get(nodeId: string, signal: string, epoch: Epoch | number): Event | undefined {
    for (
      let current: Epoch | undefined = typeof epoch === 'number' ? new Epoch(epoch) : epoch;
      current;
      current = current.parent
    ) {
      const found = this.#byEpoch.get(String(current))?.get(`${nodeId}.${signal}`);
      if (found) return found;
    }
    return undefined;
  }

  /** Every event, in epoch order. */
  events(): Event[] {
    const epochs = [...this.#byEpoch.keys()].map((key) => Epoch.parse(key)).sort(Epoch.compare);
    return epochs.flatMap((epoch) => [...this.#byEpoch.get(String(epoch))!.values()]);
  }

  /** Number of events kept. */
  get size(): number {
    return this.#count;
  }

  /** Forgets the events of `epoch` and its sub-epochs, or of every epoch. */
  clear(epoch?: Epoch | number): void {
    if (epoch === undefined) {
      this.#byEpoch.clear();
      this.#count = 0;
      return;
    }
    const root = String(epoch);
    for (const [key, events] of this.#byEpoch) {
      if (key === root || key.startsWith(`${root}/`)) {
        this.#count -= events.size;
        this.#byEpoch.delete(key);
      }
    }
  }
}
