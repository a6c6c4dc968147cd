import type { Epoch } from '../epoch.ts';
import type {
  ClassInputs,
  EmittedValue,
  FunctionInputs,
  ParamsArgument,
  SignalCheck,
  TypedNodeClass,
  TypedSlot,
} from './define-types.ts';

export type {
  NodeInputs,
  NodeOutput,
  NodeSignalValues,
  SlotValue,
  TypedSlot,
} from './define-types.ts';

/**
 * The authoring API for nodes written in TypeScript.
 *
 * A node has named input **slots** and output **signals** (default: one signal, `value`).
 * It is one of three kinds:
 * - a **function** (`process`): called once per epoch with its params and slot values in
 *   one object; sync or async;
 * - a **source generator** (`generate`): a generator (or async generator) created from the
 *   params at init; each epoch takes its next value; when it returns, the node is exhausted;
 * - a **class** (`class`): constructed from the params at init, then its `process` method is
 *   called per epoch; optional `init`/`deinit` methods bracket a run.
 *
 * A node with several signals returns an object keyed by signal name; a missing key (or
 * the `NoEvent` marker) means that signal did not fire. Returning `NoEvent` means none fired.
 *
 * @example
 * ```ts
 * import { defineNode, slot } from 'noob';
 *
 * // process receives { image: Uint8Array; width: number }; a misspelt name does not compile.
 * export const resize = defineNode({
 *   slots: { image: slot<Uint8Array>(), width: { required: false, default: 256 } },
 *   process: ({ image, width }) => shrink(image, width),
 * });
 * ```
 */

/** One input slot. */
export interface SlotSpec {
  /**
   * Whether the node needs an event on this slot to run. Default: required, unless the
   * slot's `default` is `null` (as upstream noob: only `x: T | None = None` is optional).
   * An optional slot still waits for its dependency to fire or not; a required slot with a
   * default uses the default only when no dependency is bound to it.
   */
  required?: boolean;
  /** Value used when neither a dependency nor a param provides one. */
  default?: unknown;
  /** What the slot takes, for people and generated docs. */
  description?: string;
}

/** The types a param can declare (the same names tube inputs use). */
export type ParamType = 'int' | 'float' | 'str' | 'bool' | 'list' | 'dict' | 'null' | 'any';

/** Every {@link ParamType}, for checks and messages. */
export const PARAM_TYPES: readonly ParamType[] = [
  'int',
  'float',
  'str',
  'bool',
  'list',
  'dict',
  'null',
  'any',
];

/**
 * One param a node takes from the tube's `params`. Declaring them lets a tube be checked
 * at load: a misspelt or unknown param, or a value of the wrong type, is refused with
 * the file, line and node instead of surfacing (or not) when the node runs.
 */
export interface ParamSpec {
  /** Accepted type, or several (`['int', 'null']`). Default `any`. `float` accepts ints. */
  type?: ParamType | readonly ParamType[];
  /** Whether a tube must give it (default false). */
  required?: boolean;
  /** What it is, for people and generated docs. */
  description?: string;
}

/** What a running node can see about the call it is in. */
export interface NodeContext {
  /** The node's id in the tube. */
  nodeId: string;
  /** The epoch being processed. */
  epoch: Epoch;
  /** Fires when the run is cancelled; long-running nodes should stop early. */
  signal: AbortSignal;
}

/** What a class node's instances look like. */
export interface NodeInstance {
  /** Called once before the first epoch (after construction). */
  init?(): void | Promise<void>;
  /** Called per epoch with the slot values. */
  process(inputs: Record<string, any>, context: NodeContext): unknown;
  /** Called once when the runner stops. */
  deinit?(): void | Promise<void>;
}

/** A class whose instances are nodes; constructed with the node's params. */
export type NodeClass = new (params: Record<string, any>) => NodeInstance;

/**
 * Fields shared by every kind of node definition. The type parameters are what
 * {@link defineNode} infers (slots, params, signal names, variadic); their defaults are the
 * loose, untyped form.
 */
interface NodeDefinitionBase<
  S extends Record<string, SlotSpec> | undefined = Record<string, SlotSpec>,
  P extends Record<string, ParamSpec> | undefined = Record<string, ParamSpec>,
  Sig extends string = string,
  V extends boolean = boolean,
> {
  /**
   * Input slots in positional order (positional `depends` fill them in this order). A
   * slot's type comes from its `default`, or from `slot<T>()`; otherwise it is `any`.
   */
  slots?: S;
  /** Output signal names (default `['value']`). */
  signals?: readonly Sig[];
  /**
   * The params the node takes. When given, a tube's params are checked against them at
   * load: unknown names (a function node's slots count as params too) and wrong types are
   * refused. When left out, any params pass, as before (but a function node that declares
   * slots only sees its slots in its typed inputs).
   */
  params?: P;
  /** Accepts keyword slots beyond `slots` (like Python's `**kwargs`). */
  variadic?: V;
  /**
   * Whether calls must run in epoch order because the node keeps state between them.
   * Defaults: functions false, generators and classes true. A tube's `stateful:` overrides.
   */
  stateful?: boolean;
  /** One line on what the node does. */
  description?: string;
}

/** A function node. */
export interface FunctionNodeDefinition<
  S extends Record<string, SlotSpec> | undefined = Record<string, SlotSpec>,
  P extends Record<string, ParamSpec> | undefined = Record<string, ParamSpec>,
  Sig extends string = string,
  V extends boolean = boolean,
  R = unknown,
> extends NodeDefinitionBase<S, P, Sig, V> {
  /** Called once per epoch with params and slot values merged (slots win). */
  process: (inputs: FunctionInputs<S, P, V>, context: NodeContext) => R;
  generate?: never;
  class?: never;
}

/** A source generator node. */
export interface GeneratorNodeDefinition<
  S extends Record<string, SlotSpec> | undefined = Record<string, SlotSpec>,
  P extends Record<string, ParamSpec> | undefined = Record<string, ParamSpec>,
  Sig extends string = string,
  V extends boolean = boolean,
  Y = unknown,
> extends NodeDefinitionBase<S, P, Sig, V> {
  /** Creates the value stream from the params, once per run. */
  generate: (
    params: ParamsArgument<P>,
    context: Omit<NodeContext, 'epoch'>,
  ) => Iterator<Y> | AsyncIterator<Y>;
  process?: never;
  class?: never;
}

/** A class node. */
export interface ClassNodeDefinition<
  S extends Record<string, SlotSpec> | undefined = Record<string, SlotSpec>,
  P extends Record<string, ParamSpec> | undefined = Record<string, ParamSpec>,
  Sig extends string = string,
  V extends boolean = boolean,
  R = unknown,
> extends NodeDefinitionBase<S, P, Sig, V> {
  /** Constructed with the node's params when the runner starts. */
  class: TypedNodeClass<ParamsArgument<P>, ClassInputs<S, V>, R>;
  process?: never;
  generate?: never;
}

/** Any node definition accepted by {@link defineNode}. */
export type NodeDefinitionInput =
  | FunctionNodeDefinition
  | GeneratorNodeDefinition
  | ClassNodeDefinition;

/** The engine-internal kinds of node: user kinds plus the special built-ins. */
export type NodeKind = 'function' | 'generator' | 'class' | 'map' | 'gather' | 'return' | 'tube';

/**
 * A node definition after {@link defineNode}: defaults filled, kind known. `I`, `O` and
 * `Sig` are what the node takes, emits and its signal names, for the compiler only (read
 * them with {@link NodeInputs}, {@link NodeOutput} and {@link NodeSignalValues}).
 */
export interface NodeDefinition<I = any, O = unknown, Sig extends string = string> {
  readonly kind: NodeKind;
  readonly slots: Readonly<Record<string, SlotSpec>>;
  readonly signals: readonly string[];
  /** Declared params (`undefined`: not declared, so not checked). */
  readonly params?: Readonly<Record<string, ParamSpec>> | undefined;
  readonly variadic: boolean;
  readonly stateful: boolean;
  readonly description: string | undefined;
  // Loosely typed on purpose: the engine (and tests) call it with whatever a tube binds.
  readonly process?: (inputs: Record<string, any>, context: NodeContext) => unknown;
  readonly generate?: (
    params: Record<string, any>,
    context: Omit<NodeContext, 'epoch'>,
  ) => Iterator<unknown> | AsyncIterator<unknown>;
  readonly class?: NodeClass;
  /** Never set: carries the inferred types (valibot's `~types` style). */
  readonly '~types'?: { readonly inputs: I; readonly output: O; readonly signals: Sig };
}

const DEFINITION = Symbol.for('noob.NodeDefinition');

/**
 * Declares a node: checks the definition and fills its defaults. Its types are inferred:
 * `process` gets exactly the declared slots and params (a misspelt name does not compile),
 * typed by `slot<T>()`, a slot's `default` or a param's `type`; the definition carries what
 * `process` (or the generator, or the class's `process`) returns as {@link NodeOutput}.
 */
export function defineNode<
  const S extends Record<string, SlotSpec> | undefined = undefined,
  const P extends Record<string, ParamSpec> | undefined = undefined,
  Sig extends string = 'value',
  V extends boolean = false,
  R = unknown,
>(
  input: FunctionNodeDefinition<S, P, Sig, V, R> & SignalCheck<Sig, R>,
): NodeDefinition<FunctionInputs<S, P, V>, EmittedValue<R>, Sig>;
export function defineNode<
  const S extends Record<string, SlotSpec> | undefined = undefined,
  const P extends Record<string, ParamSpec> | undefined = undefined,
  Sig extends string = 'value',
  V extends boolean = false,
  Y = unknown,
>(
  input: GeneratorNodeDefinition<S, P, Sig, V, Y> & SignalCheck<Sig, Y>,
): NodeDefinition<ParamsArgument<P>, EmittedValue<Y>, Sig>;
export function defineNode<
  const S extends Record<string, SlotSpec> | undefined = undefined,
  const P extends Record<string, ParamSpec> | undefined = undefined,
  Sig extends string = 'value',
  V extends boolean = false,
  R = unknown,
>(
  input: ClassNodeDefinition<S, P, Sig, V, R> & SignalCheck<Sig, R>,
): NodeDefinition<ClassInputs<S, V>, EmittedValue<R>, Sig>;
export function defineNode(input: NodeDefinitionInput): NodeDefinition {
  const kinds = (['process', 'generate', 'class'] as const).filter((key) => input[key] != null);
  if (kinds.length !== 1) {
    throw new TypeError(
      `a node definition needs exactly one of process, generate or class (got ${kinds.length === 0 ? 'none' : kinds.join(', ')})`,
    );
  }
  const kind =
    kinds[0] === 'process' ? 'function' : kinds[0] === 'generate' ? 'generator' : 'class';
  const signals = input.signals ?? ['value'];
  if (signals.length === 0) throw new TypeError('a node definition needs at least one signal');
  if (new Set(signals).size !== signals.length) {
    throw new TypeError(`a node definition repeats a signal name: ${signals.join(', ')}`);
  }
  for (const [name, param] of Object.entries(input.params ?? {})) {
    const types =
      param.type === undefined ? [] : typeof param.type === 'string' ? [param.type] : param.type;
    const unknown = types.filter((type) => !PARAM_TYPES.includes(type as ParamType));
    if (unknown.length > 0)
      throw new TypeError(
        `param ${name}: unknown type ${unknown.map((t) => `"${t}"`).join(', ')} (types: ${PARAM_TYPES.join(', ')})`,
      );
  }
  const definition: NodeDefinition = {
    kind,
    slots: input.slots ?? {},
    signals,
    ...(input.params ? { params: input.params } : {}),
    variadic: input.variadic ?? false,
    stateful: input.stateful ?? kind !== 'function',
    description: input.description,
    ...(input.process ? { process: input.process } : {}),
    ...(input.generate ? { generate: input.generate } : {}),
    ...(input.class ? { class: input.class } : {}),
  };
  Object.defineProperty(definition, DEFINITION, { value: true });
  return Object.freeze(definition);
}

/**
 * A slot that says its value's type, for a slot whose `default` does not (or that has
 * none). `T` is exactly what `process` gets, so an optional slot says so:
 * `slots: { image: slot<Uint8Array>(), size: slot<number | undefined>({ required: false }) }`.
 * At run time it is the spec itself.
 */
export function slot<T>(spec: SlotSpec = {}): TypedSlot<T> {
  return spec;
}

/** Defines one of the engine's special built-in nodes (map, gather, return, tube). */
export function defineBuiltin(
  kind: Extract<NodeKind, 'map' | 'gather' | 'return' | 'tube'>,
  fields: Omit<NodeDefinition, 'kind'>,
): NodeDefinition {
  const definition: NodeDefinition = { kind, ...fields };
  Object.defineProperty(definition, DEFINITION, { value: true });
  return Object.freeze(definition);
}

/** True when `value` came from {@link defineNode} (or is a built-in definition). */
export function isNodeDefinition(value: unknown): value is NodeDefinition {
  return typeof value === 'object' && value !== null && DEFINITION in value;
}

/** Whether a slot bound to a dependency needs it to fire (see {@link SlotSpec.required}). */
export function slotIsRequired(slot: SlotSpec): boolean {
  return slot.required ?? slot.default !== null;
}

/** Whether a slot must be bound (or given as a param): required and without a default. */
export function slotNeedsValue(slot: SlotSpec): boolean {
  return slotIsRequired(slot) && !('default' in slot);
}
