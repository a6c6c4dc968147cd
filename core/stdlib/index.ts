import type { AssetDefinition } from '../node/asset.ts';
import type { NodeDefinition } from '../node/define.ts';
import { testingAssets, testingNodes } from './testing/index.ts';

/**
 * noob's standard library: every node type under `noob.*`, by full name. It includes
 * upstream noob's `noob.testing.*` set under the same names, so upstream tubes run as is.
 */
export const standardNodes: Readonly<Record<string, NodeDefinition>> = { ...testingNodes };

/** Standard asset types under `noob.*`. */
export const standardAssets: Readonly<Record<string, AssetDefinition>> = { ...testingAssets };
