/**
 * Values kept by key, least recently used dropped first, within a count and a total size
 * (characters, as `sizeOf` measures each value): the bounds of the API's caches of
 * checked tubes, so that no tenant's tubes can make them grow without end.
 */
export class KeptBySize<V> {
  readonly #maxEntries: number;
  readonly #maxSize: number;
  readonly #sizeOf: (value: V) => number;
  // Map order is use order: the first key is the least recently used.
  readonly #kept = new Map<string, V>();
  #size = 0;

  constructor(maxEntries: number, maxSize: number, sizeOf: (value: V) => number) {
    this.#maxEntries = Math.max(0, maxEntries);
    this.#maxSize = Math.max(0, maxSize);
    this.#sizeOf = sizeOf;
  }

  /** How many values are kept. */
  get size(): number {
    return this.#kept.size;
  }

  /** Their total size (at most `maxSize`). */
  get totalSize(): number {
    return this.#size;
  }

  /** The value kept under `key`, as it is (see {@link touch} to count the use). */
  get(key: string): V | undefined {
    return this.#kept.get(key);
  }

  /** Make `key`'s value the most recently used, if it is still `value`. */
  touch(key: string, value: V): void {
    if (this.#kept.get(key) !== value) return;
    this.#kept.delete(key);
    this.#kept.set(key, value);
  }

  /**
   * Keep `value` under `key` (replacing what was there), then drop the least recently
   * used until within bounds; a value larger than `maxSize` alone is not kept.
   */
  set(key: string, value: V): void {
    const size = this.#sizeOf(value);
    if (this.#maxEntries === 0 || size > this.#maxSize) return;
    const replaced = this.#kept.get(key);
    if (replaced !== undefined) this.delete(key, replaced);
    this.#kept.set(key, value);
    this.#size += size;
    for (const [oldest, old] of this.#kept) {
      if (this.#kept.size <= this.#maxEntries && this.#size <= this.#maxSize) break;
      this.delete(oldest, old);
    }
  }

  /** Drop `key`'s value if it is still `value` (a newer one may have replaced it). */
  delete(key: string, value: V): void {
    if (this.#kept.get(key) !== value) return;
    this.#kept.delete(key);
    this.#size -= this.#sizeOf(value);
  }

  clear(): void {
    this.#kept.clear();
    this.#size = 0;
  }
}
