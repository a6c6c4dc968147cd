import { deepCopy, ValueCopyError } from '../node/copy.ts';
import type { AssetScopes } from './assets.ts';
import type { ExecutionPlan } from './plan.ts';

/**
 * Runner assets with `depends: node.signal` take the value that signal emitted in an
 * epoch, for the next epoch. The value is kept when the signal fires, copied if another
 * node takes that signal (it may still change the object later in the epoch, as `c`
 * does after `b` in `a → b → c` with the asset depending on `b`), shared otherwise: as
 * upstream's `nocopy_deps`. Kept values reach the assets when the epoch has finished.
 */
export class AssetUpdates {
  readonly #assets: AssetScopes;
  /** Per signal index: the assets it feeds, or undefined. */
  readonly #bySignal: Array<Array<{ id: string; copy: boolean }> | undefined>;
  readonly #pending = new Map<string, unknown>();
  #failure: unknown;

  constructor(plan: ExecutionPlan, assets: AssetScopes) {
    this.#assets = assets;
    this.#bySignal = new Array(plan.signals.length);
    for (const asset of Object.values(plan.tube.assets)) {
      if (!asset.depends) continue;
      const node = plan.indexOf.get(asset.depends.nodeId);
      if (node === undefined) continue;
      const at = plan.nodes[node]!.node.signals.indexOf(asset.depends.signal);
      const signal = plan.nodes[node]!.outputSignals[at];
      if (signal === undefined) continue;
      const copy = plan.signals[signal]!.consumers.length > 0;
      const fed = this.#bySignal[signal] ?? [];
      fed.push({ id: asset.id, copy });
      this.#bySignal[signal] = fed;
    }
  }

  /** Whether any asset depends on a signal (the fast check on every signal fired). */
  get any(): boolean {
    return this.#bySignal.some((assets) => assets !== undefined);
  }

  /** A signal fired: keeps its value for the assets it feeds (copied where needed). */
  fired(signal: number, value: unknown): void {
    const assets = this.#bySignal[signal];
    if (!assets) return;
    for (const { id, copy } of assets) {
      try {
        this.#pending.set(id, copy ? deepCopy(value) : value);
      } catch (error) {
        this.#failure ??= new ValueCopyError(`asset ${id}: ${(error as Error).message}`, {
          cause: error,
        });
      }
    }
  }

  /** The epoch finished: the kept values replace the assets. Throws if a copy failed. */
  apply(): void {
    const failure = this.#failure;
    this.#failure = undefined;
    if (failure) {
      this.#pending.clear();
      throw failure;
    }
    for (const [id, value] of this.#pending) this.#assets.replace(id, value);
    this.#pending.clear();
  }

  /** The epoch failed: nothing it emitted is kept. */
  discard(): void {
    this.#pending.clear();
    this.#failure = undefined;
  }
}
