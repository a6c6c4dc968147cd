/**
 * noob: run dataflow graphs ("tubes") anywhere. This entry point has the model and the
 * authoring API; runners are in `noob/runners`.
 *
 * @example
 * ```ts
 * import { defineNode, loadTube } from 'noob';
 * import { SyncRunner } from 'noob/runners';
 *
 * const runner = new SyncRunner(await loadTube('tube.yaml'));
 * console.log(await runner.run(10));
 * ```
 */

export { cidOf, type TaskDescription, taskCid, tubeCid, UnaddressableValueError } from './cid.ts';
export { Epoch, type EpochSegment } from './epoch.ts';
export { NoobError, type NoobErrorOptions } from './errors.ts';
export { EventStore } from './event-store.ts';
export { type Event, Exhausted, isNoEvent, NoEvent } from './events.ts';
export {
  type AssetDefinition,
  type AssetDefinitionInput,
  defineAsset,
  isAssetDefinition,
} from './node/asset.ts';
export {
  type ClassNodeDefinition,
  defineNode,
  type FunctionNodeDefinition,
  type GeneratorNodeDefinition,
  isNodeDefinition,
  type NodeClass,
  type NodeContext,
  type NodeDefinition,
  type NodeDefinitionInput,
  type NodeInputs,
  type NodeInstance,
  type NodeOutput,
  type NodeSignalValues,
  type SlotSpec,
  slot,
  type TypedSlot,
} from './node/define.ts';
export type { ModulePolicy, ModulePolicyHint } from './node/module-policy.ts';
export {
  createRegistry,
  type ModuleRules,
  type MutableNodeRegistry,
  type NodeRegistry,
  type TypeResolution,
} from './node/registry.ts';
export { TaskTooLargeError, UnrecoverableError } from './queue/errors.ts';
export { InputError, TubeLoadError, type TubeProblem } from './tube/errors.ts';
export {
  type LoadTubeOptions,
  loadTube,
  loadTubeFromText,
  resolveTubeSpecification,
} from './tube/load.ts';
export { type TubeSpecification, tubeJsonSchema } from './tube/spec.ts';
export type {
  BindingSource,
  SlotBinding,
  Tube,
  TubeAsset,
  TubeInput,
  TubeNode,
} from './tube/tube.ts';
