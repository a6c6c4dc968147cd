import type { Tube, TubeAsset } from '../tube/tube.ts';

/**
 * Asset instances by scope: `runner` assets live from `init` to `deinit`, `process` assets
 * for one `process()` call, `node` assets for one node call (each call gets its own, and
 * the runner {@link release}s it right after the call, before any node downstream runs,
 * as upstream exits a node-scoped asset's context).
 */
export class AssetScopes {
  readonly #tube: Tube;
  readonly #runner = new Map<string, unknown>();
  #process = new Map<string, unknown>();

  constructor(tube: Tube) {
    this.#tube = tube;
  }

  #ofScope(scope: TubeAsset['scope']): TubeAsset[] {
    return Object.values(this.#tube.assets).filter((asset) => asset.scope === scope);
  }

  /** Creates the runner-scoped assets. */
  async startRunner(): Promise<void> {
    for (const asset of this.#ofScope('runner'))
      this.#runner.set(asset.id, await asset.definition.create({ ...asset.params }));
  }

  /** Creates fresh process-scoped assets. */
  async startProcess(): Promise<void> {
    this.#process = new Map();
    for (const asset of this.#ofScope('process'))
      this.#process.set(asset.id, await asset.definition.create({ ...asset.params }));
  }

  /** Disposes the process-scoped assets. */
  async endProcess(): Promise<void> {
    await disposeAll(this.#ofScope('process'), this.#process);
    this.#process = new Map();
  }

  /** Disposes the runner-scoped assets. */
  async endRunner(): Promise<void> {
    await disposeAll(this.#ofScope('runner'), this.#runner);
    this.#runner.clear();
  }

  /** The asset a node call sees (node-scoped assets are made fresh for the call). */
  get(name: string): unknown {
    const asset = this.#tube.assets[name]!;
    if (asset.scope === 'runner') return this.#runner.get(name);
    if (asset.scope === 'process') return this.#process.get(name);
    return asset.definition.create({ ...asset.params });
  }

  /** Whether `name` is made fresh for each call (and must be released after it). */
  isNodeScoped(name: string): boolean {
    return this.#tube.assets[name]?.scope === 'node';
  }

  /** Disposes a node-scoped asset made for one call, once that call has finished. */
  release(name: string, instance: unknown): void | Promise<void> {
    return this.#tube.assets[name]!.definition.dispose?.(instance);
  }

  /** After an epoch: runner assets with `depends` take the value of that node's signal. */
  replace(name: string, value: unknown): void {
    this.#runner.set(name, value);
  }
}

async function disposeAll(assets: TubeAsset[], instances: Map<string, unknown>): Promise<void> {
  for (const asset of assets) {
    if (instances.has(asset.id)) await asset.definition.dispose?.(instances.get(asset.id));
  }
}
