/**
 * A small seeded pseudo-random generator for the testing nodes.
 *
 * Upstream draws from Faker and Python's global `random`; here every random node owns a
 * generator built from its `seed` param, so two runs of the same tube give the same values
 * and parallel runners (which call nodes in other processes) agree with the sync one.
 */

/** A seeded stream of pseudo-random numbers. */
export interface Random {
  /** A float in [0, 1). */
  float(): number;
  /** An integer in [min, max], both ends included (like Python's `random.randint`). */
  int(min: number, max: number): number;
  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T;
  /** A new array holding `items` in a random order (Fisher–Yates). */
  shuffle<T>(items: readonly T[]): T[];
}

/**
 * Creates a {@link Random} from a 32-bit seed using mulberry32: tiny, fast and good enough
 * for test data (not for anything security-related).
 *
 * @example
 * ```ts
 * const random = createRandom(0);
 * random.int(1, 100); // the same number on every run
 * ```
 */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  const float = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number): number => min + Math.floor(float() * (max - min + 1));
  return {
    float,
    int,
    pick: (items) => {
      if (items.length === 0) throw new RangeError('cannot pick from an empty list');
      return items[int(0, items.length - 1)]!;
    },
    shuffle: (items) => {
      const out = [...items];
      for (let i = out.length - 1; i > 0; i--) {
        const j = int(0, i);
        [out[i], out[j]] = [out[j]!, out[i]!];
      }
      return out;
    },
  };
}
