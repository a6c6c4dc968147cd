/**
 * Assets are shared objects that nodes depend on as `assets.NAME` (a counter, a model, a
 * connection). A tube declares each with a `scope`: `runner` (one per run), `process` (fresh
 * per `process()` call) or `node` (fresh for every node call that uses it).
 *
 * @example
 * ```ts
 * export const counter = defineAsset({
 *   create: ({ start = 0 }) => { let n = start; return { next: () => ({ value: n++, done: false }) }; },
 * });
 * ```
 */
export interface AssetDefinitionInput<T = unknown> {
  /** Makes a fresh asset object from the asset's params. */
  create(params: Record<string, any>): T | Promise<T>;
  /** Releases an asset object when its scope ends. */
  dispose?(asset: T): void | Promise<void>;
  /** One line on what the asset is. */
  description?: string;
}

/** An asset definition after {@link defineAsset}. */
export interface AssetDefinition<T = unknown> extends AssetDefinitionInput<T> {
  readonly isAsset: true;
}

/** Declares an asset type. */
export function defineAsset<T>(input: AssetDefinitionInput<T>): AssetDefinition<T> {
  if (typeof input.create !== 'function') throw new TypeError('an asset definition needs create()');
  return Object.freeze({ ...input, isAsset: true as const });
}

/** True when `value` came from {@link defineAsset}. */
export function isAssetDefinition(value: unknown): value is AssetDefinition {
  return typeof value === 'object' && value !== null && (value as AssetDefinition).isAsset === true;
}
