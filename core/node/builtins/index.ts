import type { AssetDefinition } from '../asset.ts';
import type { NodeDefinition } from '../define.ts';
import { containerAssets, len, max, min, sorted, sum } from './python.ts';
import { gatherNode, mapNode, returnNode, tubeNode } from './special.ts';

/** Node types every tube can use by bare name. */
export const builtinNodes: Readonly<Record<string, NodeDefinition>> = {
  return: returnNode,
  map: mapNode,
  gather: gatherNode,
  tube: tubeNode,
  sum,
  len,
  min,
  max,
  sorted,
};

/** Asset types every tube can use by bare name. */
export const builtinAssets: Readonly<Record<string, AssetDefinition>> = containerAssets;
