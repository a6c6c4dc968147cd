import type { AssetDefinition } from '../node/asset.ts';
import type { NodeDefinition } from '../node/define.ts';

/**
 * A loaded tube: the merged, validated specification with every node type resolved and
 * every dependency turned into a slot binding. Runners execute this; nothing here runs.
 */
export interface Tube {
  /** The tube's `noob_id`. */
  readonly id: string;
  readonly description: string | undefined;
  /** The file it was loaded from (or the name given to tube text). */
  readonly file: string;
  /** Folder used to resolve `./module.ts#export` types and nested tubes. */
  readonly directory: string;
  /** Folders searched for tubes by `noob_id`. */
  readonly searchPaths: readonly string[];
  /** Nodes in the order the tube declares them. */
  readonly nodes: readonly TubeNode[];
  /** Declared inputs by id. */
  readonly inputs: Readonly<Record<string, TubeInput>>;
  /** Declared assets by id. */
  readonly assets: Readonly<Record<string, TubeAsset>>;
  /** Tube-scoped input values this tube was bound with (given values, then defaults). */
  readonly input: Readonly<Record<string, unknown>>;
  /** The merged specification (after `extends`), as plain data. */
  readonly spec: Readonly<Record<string, unknown>>;
}

/** One input of a tube, with defaults filled. */
export interface TubeInput {
  readonly id: string;
  readonly type: string;
  readonly scope: 'tube' | 'process';
  readonly required: boolean;
  readonly hasDefault: boolean;
  readonly default: unknown;
  readonly description: string | undefined;
}

/** One asset of a tube. */
export interface TubeAsset {
  readonly id: string;
  readonly type: string;
  readonly scope: 'runner' | 'process' | 'node';
  /** Params with `input.NAME` references replaced by the bound inputs. */
  readonly params: Readonly<Record<string, unknown>>;
  /** Params as written. */
  readonly rawParams: Readonly<Record<string, unknown>>;
  /** `node.signal` whose value replaces the asset after each epoch (runner scope). */
  readonly depends: { readonly nodeId: string; readonly signal: string } | undefined;
  readonly definition: AssetDefinition;
}

/** Where a slot's value comes from. */
export type BindingSource =
  | { readonly kind: 'node'; readonly nodeId: string; readonly signal: string }
  | { readonly kind: 'input'; readonly name: string }
  | { readonly kind: 'asset'; readonly name: string };

/** One dependency of a node, resolved to a slot. */
export interface SlotBinding {
  /** The slot it fills (a positional dependency is named after the slot at its position). */
  readonly slot: string;
  /** For positional dependencies: the position in `depends`. */
  readonly position: number | undefined;
  readonly source: BindingSource;
  /** Whether the node needs this value to run (false: runs without it if it did not fire). */
  readonly required: boolean;
}

/** One node of a loaded tube. */
export interface TubeNode {
  readonly id: string;
  /** Index in {@link Tube.nodes}. */
  readonly index: number;
  /** The `type` as written. */
  readonly type: string;
  readonly definition: NodeDefinition;
  /** Params with `input.NAME` references replaced by the bound inputs. */
  readonly params: Readonly<Record<string, unknown>>;
  /** Params as written. */
  readonly rawParams: Readonly<Record<string, unknown>>;
  /** Whether it runs (after resolving `enabled: input.NAME`). */
  readonly enabled: boolean;
  /** `enabled` as written. */
  readonly rawEnabled: boolean | string;
  /** Whether calls must run in epoch order. */
  readonly stateful: boolean;
  /** Output signals (for `tube` nodes, the nested tube's return keys). */
  readonly signals: readonly string[];
  /** Slot bindings in `depends` order. */
  readonly bindings: readonly SlotBinding[];
  /** `depends: a.b` written as one scalar (a return node then returns the value itself). */
  readonly scalarDepends: boolean;
  /** For `type: tube`: the nested tube (bound to its inputs when the runner starts). */
  readonly child: Tube | undefined;
}
