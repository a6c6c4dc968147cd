import type { NodeDefinition } from '../node/define.ts';
import { slotIsRequired, slotNeedsValue } from '../node/define.ts';
import { didYouMean } from '../node/suggest.ts';
import { bindTubeInputs } from './bind.ts';
import type { TubeProblem } from './errors.ts';
import { INPUT_TYPES, inputReference, inputTypeProblem, parseInputText } from './inputs.ts';
import { computeLevels, orderByDependencies, topologicalOrder } from './levels.ts';
import { type LoadContext, loadTubeById, moduleRulesFor } from './load.ts';
import { checkParamsDeclared } from './params.ts';
import type { TubeSource } from './source.ts';
import type { DependsEntry } from './spec.ts';
import type { TrustedTypes } from './trust.ts';
import type { BindingSource, SlotBinding, Tube, TubeAsset, TubeInput, TubeNode } from './tube.ts';

/** What {@link buildTube} works from. */
export interface BuildOptions {
  source: TubeSource;
  directory: string;
  context: LoadContext;
  /** The node and asset types trusted files wrote (they may load any module). */
  trustedTypes: TrustedTypes;
  input: Record<string, unknown> | undefined;
  /** Input values as text, read by their declared types. */
  inputText: Record<string, string> | undefined;
  /** Check and apply tube-scoped inputs now (false for nested tubes: bound at run time). */
  bindInputs: boolean;
  /** Problems found are added here. */
  problems: TubeProblem[];
}

type Spec = Record<string, any>;
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Turns a merged specification into a {@link Tube}: resolves node and asset types, turns
 * `depends` into slot bindings, and checks everything a load can check (unknown types,
 * signals and slots, duplicate slots, missing required slots, cycles, return nodes, map
 * levels, inputs). Records every problem; returns `undefined` when there were any.
 */
export async function buildTube(spec: Spec, options: BuildOptions): Promise<Tube | undefined> {
  const { source, problems } = options;
  const report = (path: readonly (string | number)[], message: string) =>
    problems.push({ path, message, line: source.lineOf(path) });

  const inputs = normalizeInputs(spec.input ?? {}, report);
  const assets = await resolveAssets(spec.assets ?? {}, inputs, options, report);
  const nodeEntries = Object.entries((spec.nodes ?? {}) as Record<string, Spec>);
  if (nodeEntries.length === 0) report(['nodes'], 'the tube has no nodes');
  const cycle = findDependencyCycle(nodeEntries);
  if (cycle)
    report(['nodes', cycle[0]!], `the nodes form a cycle: ${[...cycle].reverse().join(' → ')}`);

  const definitions = await Promise.all(
    nodeEntries.map(async ([id, node]) => resolveNodeType(id, node, options, report)),
  );

  // Signals of every node, known before bindings are checked (they may point forward).
  const signalsById = new Map<string, readonly string[] | undefined>();
  for (const [i, [id]] of nodeEntries.entries()) signalsById.set(id, definitions[i]?.signals);

  const nodes: Mutable<TubeNode>[] = [];
  for (const [index, [id, nodeSpec]] of nodeEntries.entries()) {
    const resolved = definitions[index];
    if (!resolved) continue;
    const bindings = buildBindings(id, nodeSpec, resolved, { signalsById, inputs, assets }, report);
    checkParams(id, nodeSpec, resolved, bindings, inputs, report);
    nodes.push({
      id,
      index: nodes.length,
      type: nodeSpec.type,
      definition: resolved.definition,
      params: nodeSpec.params ?? {},
      rawParams: nodeSpec.params ?? {},
      enabled: nodeSpec.enabled !== false,
      rawEnabled: nodeSpec.enabled ?? true,
      stateful: nodeSpec.stateful ?? resolved.definition.stateful,
      signals: resolved.signals,
      bindings,
      scalarDepends: typeof nodeSpec.depends === 'string',
      child: resolved.child,
    });
  }
  if (nodes.length !== nodeEntries.length) return undefined;

  checkGraph(nodes, report);
  if (problems.length > 0) return undefined;

  const tube: Tube = {
    id: spec.noob_id,
    description: spec.description ?? undefined,
    file: source.file,
    directory: options.directory,
    searchPaths: options.context.searchPaths,
    nodes,
    inputs,
    assets,
    input: {},
    spec,
  };
  if (!options.bindInputs) return tube;
  const values: Record<string, unknown> = { ...options.input };
  for (const [name, text] of Object.entries(options.inputText ?? {})) {
    try {
      values[name] = parseInputText(text, inputs[name]);
    } catch (error) {
      report(['input', name], (error as Error).message);
    }
  }
  if (problems.length > 0) return undefined;
  const bound = bindTubeInputs(tube, values, { rejectUndeclared: true });
  if (!bound.ok) {
    for (const problem of bound.problems) report(problem.path, problem.message);
    return undefined;
  }
  return bound.tube;
}

function normalizeInputs(
  specs: Record<string, Spec>,
  report: (path: readonly (string | number)[], message: string) => void,
): Record<string, TubeInput> {
  const inputs: Record<string, TubeInput> = {};
  for (const [id, spec] of Object.entries(specs)) {
    if (!spec.type) report(['input', id], `input ${id} has no type (${INPUT_TYPES.join(', ')})`);
    else if (!INPUT_TYPES.includes(spec.type))
      report(
        ['input', id, 'type'],
        `input ${id}: unknown type "${spec.type}".${didYouMean(spec.type, INPUT_TYPES)} (types: ${INPUT_TYPES.join(', ')})`,
      );
    else if (spec.default != null) {
      // A default is a value like any other (it reaches nested tubes and worker threads).
      const problem = inputTypeProblem(spec.default, spec.type);
      if (problem)
        report(['input', id, 'default'], `input ${id}: default (${spec.type}): ${problem}`);
    }
    inputs[id] = {
      id,
      type: spec.type ?? 'any',
      scope: spec.scope ?? 'tube',
      required: spec.required ?? true,
      hasDefault: 'default' in spec,
      default: spec.default,
      description: spec.description ?? undefined,
    };
  }
  return inputs;
}

async function resolveAssets(
  specs: Record<string, Spec>,
  inputs: Readonly<Record<string, TubeInput>>,
  options: BuildOptions,
  report: (path: readonly (string | number)[], message: string) => void,
): Promise<Record<string, TubeAsset>> {
  const assets: Record<string, TubeAsset> = {};
  for (const [id, spec] of Object.entries(specs)) {
    if (!spec.type) {
      report(['assets', id], `asset ${id} has no type`);
      continue;
    }
    const resolution = await options.context.registry.resolveAsset(
      spec.type,
      options.directory,
      moduleRulesFor(options.trustedTypes.has(`assets.${id}`), options.context),
    );
    if (!resolution.ok) {
      report(['assets', id, 'type'], `asset ${id}: ${resolution.reason}`);
      continue;
    }
    const [nodeId, signal] = spec.depends ? spec.depends.split('.') : [];
    const params = Array.isArray(spec.params) ? { args: spec.params } : (spec.params ?? {});
    checkInputReferences(`asset ${id}`, ['assets', id, 'params'], params, inputs, report);
    assets[id] = {
      id,
      type: spec.type,
      scope: spec.scope ?? 'runner',
      params,
      rawParams: params,
      depends: nodeId && signal ? { nodeId, signal } : undefined,
      definition: resolution.definition,
    };
  }
  return assets;
}

/** A node type resolved, with the slots and signals it has in this tube. */
interface ResolvedNode {
  definition: NodeDefinition;
  signals: readonly string[];
  /** Slot names in positional order, with whether each is required. */
  slots: ReadonlyArray<{ name: string; required: boolean; needsValue: boolean }>;
  child: Tube | undefined;
}

async function resolveNodeType(
  id: string,
  node: Spec,
  options: BuildOptions,
  report: (path: readonly (string | number)[], message: string) => void,
): Promise<ResolvedNode | undefined> {
  if (!node.type) {
    report(
      ['nodes', id],
      `node ${id} has no type (every node needs one, unless the tube extends another that gives it)`,
    );
    return undefined;
  }
  const resolution = await options.context.registry.resolveNode(
    node.type,
    options.directory,
    moduleRulesFor(options.trustedTypes.has(`nodes.${id}`), options.context),
  );
  if (!resolution.ok) {
    report(['nodes', id, 'type'], `node ${id}: ${resolution.reason}`);
    return undefined;
  }
  const definition = resolution.definition;
  const slots = Object.entries(definition.slots).map(([name, slot]) => ({
    name,
    required: slotIsRequired(slot),
    needsValue: slotNeedsValue(slot),
  }));
  if (definition.kind !== 'tube')
    return { definition, signals: definition.signals, slots, child: undefined };

  const childId = node.params?.tube;
  if (typeof childId !== 'string') {
    report(
      ['nodes', id, 'params'],
      `node ${id}: a tube node needs params.tube, the noob_id of the tube to run`,
    );
    return undefined;
  }
  let child: Tube | { problem: string };
  try {
    child = await loadTubeById(childId, options.directory, options.context);
  } catch (error) {
    const detail = (error as { details?: string }).details ?? (error as Error).message;
    report(
      ['nodes', id, 'params', 'tube'],
      `node ${id}: nested tube "${childId}" is invalid:\n${detail}`,
    );
    return undefined;
  }
  if ('problem' in child) {
    report(['nodes', id, 'params', 'tube'], `node ${id}: ${child.problem}`);
    return undefined;
  }
  const processInputs = Object.values(child.inputs).filter((input) => input.scope === 'process');
  return {
    definition,
    signals: childReturnSignals(child),
    slots: processInputs.map((input) => {
      const required = input.required && !input.hasDefault;
      return { name: input.id, required, needsValue: required };
    }),
    child,
  };
}

/** A nested tube's signals: its return node's keys, or `value` for a scalar return. */
function childReturnSignals(child: Tube): string[] {
  const returnNode = child.nodes.find((node) => node.definition.kind === 'return');
  if (!returnNode || returnNode.scalarDepends) return ['value'];
  const keys = returnNode.bindings.filter((b) => b.position === undefined).map((b) => b.slot);
  return keys.length > 0 ? keys : ['value'];
}

interface BindingScope {
  signalsById: ReadonlyMap<string, readonly string[] | undefined>;
  inputs: Readonly<Record<string, TubeInput>>;
  assets: Readonly<Record<string, TubeAsset>>;
}

function buildBindings(
  id: string,
  node: Spec,
  resolved: ResolvedNode,
  scope: BindingScope,
  report: (path: readonly (string | number)[], message: string) => void,
): SlotBinding[] {
  if (node.depends == null) return [];
  const isReturn = resolved.definition.kind === 'return';
  const entries: DependsEntry[] = typeof node.depends === 'string' ? [node.depends] : node.depends;
  const bindings: SlotBinding[] = [];
  const filled = new Map<string, number | string>();
  let position = 0;

  for (const [entryIndex, entry] of entries.entries()) {
    const path =
      typeof node.depends === 'string'
        ? ['nodes', id, 'depends']
        : ['nodes', id, 'depends', entryIndex];
    const isPositional = typeof entry === 'string';
    const [slotName, reference] = isPositional
      ? [undefined, entry]
      : (Object.entries(entry)[0] as [string, string]);
    const source = parseReference(id, reference, scope, path, report);

    let slot: string;
    let required: boolean;
    let bindingPosition: number | undefined;
    if (isPositional) {
      bindingPosition = position++;
      const declared = resolved.slots[bindingPosition];
      if (isReturn) {
        slot = String(bindingPosition);
        required = typeof node.depends === 'string';
      } else if (declared) {
        slot = declared.name;
        required = declared.required;
      } else if (resolved.definition.variadic) {
        slot = String(bindingPosition);
        required = true;
      } else {
        const count = resolved.slots.length;
        report(
          path,
          `node ${id}: too many positional dependencies (${node.type} has ${count} slot${count === 1 ? '' : 's'}: ${resolved.slots.map((s) => s.name).join(', ') || 'none'})`,
        );
        continue;
      }
    } else {
      slot = slotName!;
      const declared = resolved.slots.find((s) => s.name === slot);
      if (declared) required = declared.required;
      else if (isReturn || resolved.definition.variadic) required = !isReturn;
      else {
        report(
          path,
          `node ${id}: ${node.type} has no slot "${slot}" (slots: ${resolved.slots.map((s) => s.name).join(', ') || 'none'})`,
        );
        continue;
      }
      // A bound `n` makes a gather wait for it: it counts the map's items.
      if (resolved.definition.kind === 'gather' && slot === 'n') required = true;
    }
    const previous = filled.get(slot);
    if (previous !== undefined) {
      report(
        path,
        `node ${id}: slot "${slot}" is given twice (depends entries ${previous} and ${entryIndex})`,
      );
      continue;
    }
    filled.set(slot, entryIndex);
    if (source)
      bindings.push({
        slot,
        position: isPositional ? bindingPosition : undefined,
        source,
        required,
      });
  }
  return bindings;
}

function parseReference(
  id: string,
  reference: string,
  scope: BindingScope,
  path: (string | number)[],
  report: (path: readonly (string | number)[], message: string) => void,
): BindingSource | undefined {
  const [sourceId, signal] = reference.split('.') as [string, string];
  if (sourceId === 'input') {
    // Own names only: `input.toString` is no declared input.
    if (!Object.hasOwn(scope.inputs, signal))
      report(
        path,
        `node ${id} depends on input.${signal}, but the tube declares no input ${signal}`,
      );
    return { kind: 'input', name: signal };
  }
  if (sourceId === 'assets') {
    if (!Object.hasOwn(scope.assets, signal))
      report(
        path,
        `node ${id} depends on assets.${signal}, but the tube declares no asset ${signal}`,
      );
    return { kind: 'asset', name: signal };
  }
  if (!scope.signalsById.has(sourceId)) {
    report(path, `node ${id} depends on ${reference}, but there is no node ${sourceId}`);
    return undefined;
  }
  const signals = scope.signalsById.get(sourceId);
  if (signals && !signals.includes(signal)) {
    const what = signals.length ? `its signals: ${signals.join(', ')}` : 'it emits no signals';
    report(
      path,
      `node ${id} depends on ${reference}, but node ${sourceId} has no signal "${signal}" (${what})`,
    );
    return undefined;
  }
  return { kind: 'node', nodeId: sourceId, signal };
}

function checkParams(
  id: string,
  node: Spec,
  resolved: ResolvedNode,
  bindings: readonly SlotBinding[],
  inputs: Readonly<Record<string, TubeInput>>,
  report: (path: readonly (string | number)[], message: string) => void,
): void {
  const params: Record<string, unknown> = node.params ?? {};
  checkInputReferences(`node ${id}`, ['nodes', id, 'params'], params, inputs, report);
  checkInputReferences(`node ${id}`, ['nodes', id], { enabled: node.enabled }, inputs, report);
  checkParamsDeclared(id, node.type, resolved.definition, params, report);
  const kind = resolved.definition.kind;
  if (kind === 'generator' || kind === 'return') return;
  // A function node can take a required slot from its params; a class node cannot (its
  // params go to the constructor).
  const fromParams = kind === 'function' ? new Set(Object.keys(params)) : new Set<string>();
  for (const slot of resolved.slots) {
    if (!slot.needsValue || fromParams.has(slot.name) || bindings.some((b) => b.slot === slot.name))
      continue;
    if (kind === 'gather' && slot.name !== 'value') continue;
    report(
      ['nodes', id],
      `node ${id}: required slot "${slot.name}" of ${node.type} has no dependency${kind === 'function' ? ' and no param' : ''}`,
    );
  }
  if (kind === 'gather') {
    const hasN = params.n != null || bindings.some((b) => b.slot === 'n');
    const hasTrigger = bindings.some((b) => b.slot === 'trigger');
    if (hasN && hasTrigger)
      report(['nodes', id], `node ${id}: a gather takes n or a trigger, not both`);
  }
}

/**
 * `input.NAME` in params (or `enabled`) must name a declared, tube-scoped input: params
 * are bound once, at load, so a process-scoped input (given per `process()` call) has no
 * value there (as upstream, which refuses such a tube whether or not the value is given).
 */
function checkInputReferences(
  owner: string,
  path: readonly (string | number)[],
  params: Readonly<Record<string, unknown>>,
  inputs: Readonly<Record<string, TubeInput>>,
  report: (path: readonly (string | number)[], message: string) => void,
): void {
  for (const [key, value] of Object.entries(params)) {
    const name = inputReference(value);
    if (name === undefined) continue;
    const what = path.at(-1) === 'params' ? `param ${key}` : key;
    const input = Object.hasOwn(inputs, name) ? inputs[name] : undefined;
    if (!input)
      report(
        [...path, key],
        `${owner}: ${what} refers to input.${name}, but the tube declares no input ${name}`,
      );
    else if (input.scope === 'process')
      report(
        [...path, key],
        `${owner}: ${what} refers to input.${name}, which is process-scoped (given per process() call), but params are bound once, at load: declare ${name} with scope: tube, or take it through depends (a slot: input.${name})`,
      );
  }
}

function checkGraph(
  nodes: readonly TubeNode[],
  report: (path: readonly (string | number)[], message: string) => void,
): void {
  const returns = nodes.filter((node) => node.definition.kind === 'return');
  if (returns.length > 1) {
    report(
      ['nodes', returns[1]!.id],
      `a tube has at most one return node; this one has ${returns.length}: ${returns.map((n) => n.id).join(', ')}`,
    );
  }
  const sorted = topologicalOrder(nodes);
  if (!sorted.ok) return; // reported from the written dependencies already
  const { conflicts } = computeLevels(sorted.order);
  for (const conflict of conflicts) {
    report(
      ['nodes', conflict.nodeId],
      `node ${conflict.nodeId} depends on two unrelated map nodes (${conflict.maps.join(' and ')}): a node can follow one map, or maps nested in each other, not two side by side`,
    );
  }
}

/**
 * A cycle among the written dependencies (node ids only), found before anything else is
 * checked so that it is named even when the nodes in it have other problems too.
 */
function findDependencyCycle(entries: ReadonlyArray<[string, Spec]>): string[] | undefined {
  const sorted = orderByDependencies(
    entries,
    ([id]) => id,
    ([, node]) => {
      const written: DependsEntry[] =
        node.depends == null
          ? []
          : typeof node.depends === 'string'
            ? [node.depends]
            : node.depends;
      return written.map(
        (entry) => (typeof entry === 'string' ? entry : Object.values(entry)[0]!).split('.')[0]!,
      );
    },
  );
  return sorted.ok ? undefined : sorted.cycle;
}
