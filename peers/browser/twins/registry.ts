import type { NodeDefinition } from '../../../core/node/define.ts';
import type { createRegistry as nodeCreateRegistry } from '../../../core/node/registry.ts';
import { standardNodes } from '../../../core/stdlib/index.ts';
import { moduleTypeRefusal } from './module-policy.ts';

/**
 * The node types a browser peer runs: the `noob.*` library's pure functions (no
 * generators, classes or assets: their state and resources belong to one long-lived
 * process).
 */
export const BROWSER_NODES: ReadonlyMap<string, NodeDefinition> = new Map(
  Object.entries(standardNodes).filter(([, definition]) => definition.kind === 'function'),
);

/**
 * The browser's twin of core/node/registry.ts: the node types a page runs are
 * {@link BROWSER_NODES}, and no module is ever imported. The
 * definitions are the library's own objects, so a page computes the same result CIDs as a
 * Node peer and can stand in a quorum with them.
 */
export const createRegistry: typeof nodeCreateRegistry = () => {
  const nodes = new Map(BROWSER_NODES);
  const unknown = (type: string) => ({
    ok: false as const,
    reason: type.includes('#')
      ? moduleTypeRefusal(type, '', 'deny')!
      : `node type "${type}" is not one a browser peer runs (the noob.* library's functions)`,
  });
  return {
    register(type, definition) {
      nodes.set(type, definition as NodeDefinition);
    },
    async resolveNode(type) {
      const known = nodes.get(type);
      return known ? { ok: true, definition: known } : unknown(type);
    },
    async resolveAsset(type) {
      return unknown(type);
    },
  };
};
