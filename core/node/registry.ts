import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { standardAssets, standardNodes } from '../stdlib/index.ts';
import { type AssetDefinition, isAssetDefinition } from './asset.ts';
import { builtinAssets, builtinNodes } from './builtins/index.ts';
import { defineNode, isNodeDefinition, type NodeDefinition } from './define.ts';
import { type ModulePolicy, type ModulePolicyHint, moduleTypeRefusal } from './module-policy.ts';
import { didYouMean } from './suggest.ts';

/**
 * Where node `type`s come from:
 * - built-ins by bare name (`return`, `map`, `gather`, `tube`, `sum`, …);
 * - the standard library by full name (`noob.testing.count_source`, …);
 * - types registered by the program using noob (`registry.register`);
 * - user modules: `./nodes.ts#resize` (relative to the tube's folder) or
 *   `some-package#resize` (resolved from the tube's folder like an import), when the
 *   {@link ModulePolicy} in force allows it: it is checked before anything is resolved or
 *   imported.
 */
export interface NodeRegistry {
  /** The node definition for `type`, or a {@link TypeResolution} saying why there is none. */
  resolveNode(
    type: string,
    fromDirectory: string,
    rules?: ModuleRules,
  ): Promise<TypeResolution<NodeDefinition>>;
  /** The asset definition for `type`, likewise. */
  resolveAsset(
    type: string,
    fromDirectory: string,
    rules?: ModuleRules,
  ): Promise<TypeResolution<AssetDefinition>>;
}

/**
 * Which module types may load: given to {@link createRegistry} as its default, and to one
 * resolution to override it (the tube loader does, per tube file).
 */
export interface ModuleRules {
  /** Default `'allow'`. */
  modules?: ModulePolicy;
  /** Whose policy it is and how to change it, for the message when a type is refused. */
  modulesHint?: ModulePolicyHint;
}

/** Either the definition or the reason there is none (for the error message). */
export type TypeResolution<T> = { ok: true; definition: T } | { ok: false; reason: string };

/** A registry that also takes types from the program. */
export interface MutableNodeRegistry extends NodeRegistry {
  /** Makes `type` resolve to `definition` in every tube loaded with this registry. */
  register(type: string, definition: NodeDefinition | AssetDefinition): void;
}

/**
 * The default registry: built-ins, the standard library, user modules (as `defaults`
 * allows: all unless told otherwise), and `register`ed types.
 *
 * @example
 * ```ts
 * // For tubes that arrive over the network: no code named by the tube is loaded.
 * const registry = createRegistry({ modules: 'deny' });
 * registry.register('acme.resize', resize); // registered types stay available
 * ```
 */
export function createRegistry(defaults: ModuleRules = {}): MutableNodeRegistry {
  const nodes = new Map<string, NodeDefinition>(
    Object.entries({ ...builtinNodes, ...standardNodes }),
  );
  const assets = new Map<string, AssetDefinition>(
    Object.entries({ ...builtinAssets, ...standardAssets }),
  );

  // A resolution's own rules replace the registry's (policy and hint together).
  const refuse = (type: string, fromDirectory: string, rules: ModuleRules = {}) => {
    const { modules = 'allow', modulesHint } = rules.modules ? rules : defaults;
    return moduleTypeRefusal(type, fromDirectory, modules, modulesHint);
  };

  return {
    register(type, definition) {
      if (isAssetDefinition(definition)) assets.set(type, definition);
      else if (isNodeDefinition(definition)) nodes.set(type, definition);
      else throw new TypeError(`register("${type}"): not a node or asset definition`);
    },
    async resolveNode(type, fromDirectory, rules) {
      const known = nodes.get(type);
      if (known) return { ok: true, definition: known };
      if (!type.includes('#')) return { ok: false, reason: unknownTypeReason(type, nodes.keys()) };
      const refusal = refuse(type, fromDirectory, rules);
      if (refusal) return { ok: false, reason: refusal };
      const loaded = await importExport(type, fromDirectory);
      if (!loaded.ok) return loaded;
      if (isNodeDefinition(loaded.value)) return { ok: true, definition: loaded.value };
      if (typeof loaded.value === 'function') {
        // A plain function is accepted as a function node taking any keyword slots.
        const fn = loaded.value as (inputs: Record<string, unknown>) => unknown;
        return {
          ok: true,
          definition: defineNode({ process: (inputs) => fn(inputs), variadic: true }),
        };
      }
      return { ok: false, reason: `export of "${type}" is not a node (make it with defineNode)` };
    },
    async resolveAsset(type, fromDirectory, rules) {
      const known = assets.get(type);
      if (known) return { ok: true, definition: known };
      if (!type.includes('#'))
        return { ok: false, reason: unknownTypeReason(type, assets.keys(), 'asset') };
      const refusal = refuse(type, fromDirectory, rules);
      if (refusal) return { ok: false, reason: refusal };
      const loaded = await importExport(type, fromDirectory);
      if (!loaded.ok) return loaded;
      if (isAssetDefinition(loaded.value)) return { ok: true, definition: loaded.value };
      return {
        ok: false,
        reason: `export of "${type}" is not an asset (make it with defineAsset)`,
      };
    },
  };
}

async function importExport(
  type: string,
  fromDirectory: string,
): Promise<{ ok: true; value: unknown } | { ok: false; reason: string }> {
  const hash = type.lastIndexOf('#');
  const specifier = type.slice(0, hash);
  const exportName = type.slice(hash + 1) || 'default';
  let url: string;
  try {
    if (specifier.startsWith('.') || isAbsolute(specifier)) {
      url = pathToFileURL(resolve(fromDirectory, specifier)).href;
    } else {
      url = pathToFileURL(createRequire(join(fromDirectory, 'noop.js')).resolve(specifier)).href;
    }
  } catch (error) {
    return {
      ok: false,
      reason: `cannot find module "${specifier}" from ${fromDirectory} (${(error as Error).message.split('\n')[0]})`,
    };
  }
  let module: Record<string, unknown>;
  try {
    module = await import(url);
  } catch (error) {
    return {
      ok: false,
      reason: `cannot import "${specifier}": ${(error as Error).message.split('\n')[0]}`,
    };
  }
  if (!(exportName in module)) {
    const available = Object.keys(module).join(', ') || 'none';
    return {
      ok: false,
      reason: `module "${specifier}" has no export "${exportName}" (exports: ${available})`,
    };
  }
  return { ok: true, value: module[exportName] };
}

function unknownTypeReason(type: string, known: Iterable<string>, what = 'node'): string {
  return `unknown ${what} type "${type}".${didYouMean(type, known)} A user module is written "./file.ts#export" or "package#export".`;
}
