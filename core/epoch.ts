/**
 * An epoch is one pass of the graph. A root epoch is a number; a `map` node turns one epoch
 * into sub-epochs, one per item, written `3/(split,0)` (root 3, item 0 of map node `split`).
 */
export interface EpochSegment {
  /** The map node that created this level. */
  readonly nodeId: string;
  /** The item's index in the mapped collection. */
  readonly index: number;
}

/** An immutable epoch: a root number and the map segments below it. */
export class Epoch {
  readonly root: number;
  readonly segments: readonly EpochSegment[];
  #key: string | undefined;

  constructor(root: number, segments: readonly EpochSegment[] = []) {
    this.root = root;
    this.segments = segments;
  }

  /** Depth below the root: 0 for a root epoch. */
  get depth(): number {
    return this.segments.length;
  }

  /** The epoch one level up, or `undefined` for a root epoch. */
  get parent(): Epoch | undefined {
    if (this.segments.length === 0) return undefined;
    return new Epoch(this.root, this.segments.slice(0, -1));
  }

  /** The sub-epoch for item `index` of map node `nodeId`. */
  child(nodeId: string, index: number): Epoch {
    return new Epoch(this.root, [...this.segments, { nodeId, index }]);
  }

  /** The ancestor (or this epoch) at `depth`. */
  atDepth(depth: number): Epoch {
    if (depth === this.segments.length) return this;
    return new Epoch(this.root, this.segments.slice(0, depth));
  }

  /** Stable text form, also used as a map key: `3`, `3/(split,0)`, `3/(a,1)/(b,0)`. */
  toString(): string {
    if (this.#key === undefined) {
      this.#key = [String(this.root), ...this.segments.map((s) => `(${s.nodeId},${s.index})`)].join(
        '/',
      );
    }
    return this.#key;
  }

  toJSON(): string {
    return this.toString();
  }

  /** Parses the text form produced by {@link Epoch.toString}. */
  static parse(text: string): Epoch {
    const [root, ...rest] = text.split('/');
    const rootNumber = Number(root);
    if (!Number.isInteger(rootNumber)) throw new TypeError(`not an epoch: "${text}"`);
    const segments = rest.map((part) => {
      const match = /^\((.+),(\d+)\)$/.exec(part);
      if (!match) throw new TypeError(`not an epoch: "${text}"`);
      return { nodeId: match[1]!, index: Number(match[2]) };
    });
    return new Epoch(rootNumber, segments);
  }

  /** Orders epochs by root, then item by item (a parent sorts before its sub-epochs). */
  static compare(a: Epoch, b: Epoch): number {
    if (a.root !== b.root) return a.root - b.root;
    const n = Math.min(a.segments.length, b.segments.length);
    for (let i = 0; i < n; i++) {
      const sa = a.segments[i]!;
      const sb = b.segments[i]!;
      if (sa.nodeId !== sb.nodeId) return sa.nodeId < sb.nodeId ? -1 : 1;
      if (sa.index !== sb.index) return sa.index - sb.index;
    }
    return a.segments.length - b.segments.length;
  }
}
