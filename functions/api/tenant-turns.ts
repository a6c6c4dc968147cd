/**
 * Work waiting per tenant, handed out in turns: the tenant served longest ago goes first,
 * and no tenant holds more than `maxRunning` items at once, so one tenant's backlog never
 * keeps another's work waiting behind it. At most `maxWaiting` items wait per tenant.
 */
export class TenantTurns<T> {
  /** Items waiting per tenant; Map order is turn order (the next tenant to serve first). */
  readonly #waiting = new Map<string, T[]>();
  readonly #running = new Map<string, number>();
  readonly #maxRunning: number;
  readonly maxWaiting: number;
  #count = 0;

  constructor(maxRunning: number, maxWaiting: number) {
    this.#maxRunning = maxRunning;
    this.maxWaiting = maxWaiting;
  }

  /** Items waiting, over all tenants. */
  get waiting(): number {
    return this.#count;
  }

  /** Queue `item` for `tenant`; false (nothing queued) when the tenant has `maxWaiting` waiting. */
  add(tenant: string, item: T): boolean {
    const queue = this.#waiting.get(tenant) ?? [];
    if (queue.length >= this.maxWaiting) return false;
    queue.push(item);
    this.#waiting.set(tenant, queue);
    this.#count++;
    return true;
  }

  /** The next item in turn, counted as running until {@link done}; undefined if none may run. */
  next(): T | undefined {
    for (const [tenant, queue] of this.#waiting) {
      const running = this.#running.get(tenant) ?? 0;
      if (running >= this.#maxRunning) continue;
      const item = queue.shift() as T;
      this.#count--;
      this.#running.set(tenant, running + 1);
      // To the back of the turn order; a tenant with nothing waiting leaves it.
      this.#waiting.delete(tenant);
      if (queue.length > 0) this.#waiting.set(tenant, queue);
      return item;
    }
    return undefined;
  }

  /** One of `tenant`'s items stopped running. */
  done(tenant: string): void {
    const left = (this.#running.get(tenant) ?? 1) - 1;
    if (left <= 0) this.#running.delete(tenant);
    else this.#running.set(tenant, left);
  }

  /** Take every waiting item out (to fail them). */
  drain(): T[] {
    const items = [...this.#waiting.values()].flat();
    this.#waiting.clear();
    this.#count = 0;
    return items;
  }
}
