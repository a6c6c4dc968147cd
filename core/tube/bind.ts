import type { TubeProblem } from './errors.ts';
import { inputReference, inputTypeProblem, lookupInput } from './inputs.ts';
import { paramTypeProblem } from './params.ts';
import type { Tube, TubeAsset, TubeNode } from './tube.ts';

/** The outcome of {@link bindTubeInputs}. */
export type BindResult = { ok: true; tube: Tube } | { ok: false; problems: TubeProblem[] };

/**
 * Applies tube-scoped input values to a tube: checks required inputs are present and
 * values fit their declared types, then resolves `input.NAME` in node and asset params
 * and `enabled`, and checks the params that took an input's value fit the node's types.
 * Values for process-scoped inputs are kept too: a value given at a higher scope serves
 * the lower one.
 */
export function bindTubeInputs(
  tube: Tube,
  values: Readonly<Record<string, unknown>>,
  options: { rejectUndeclared?: boolean } = {},
): BindResult {
  const problems: TubeProblem[] = [];
  const declared = Object.values(tube.inputs);
  for (const [name, value] of Object.entries(values)) {
    const input = tube.inputs[name];
    if (!input) {
      if (options.rejectUndeclared) {
        const known = declared.map((i) => i.id).join(', ') || 'none';
        problems.push({
          path: ['input'],
          message: `input ${name} is not declared by tube ${tube.id} (its inputs: ${known})`,
        });
      }
      continue;
    }
    const typeProblem = inputTypeProblem(value, input.type);
    if (typeProblem)
      problems.push({
        path: ['input', name],
        message: `input ${name} (${input.type}): ${typeProblem}`,
      });
  }
  for (const input of declared) {
    if (
      input.scope !== 'tube' ||
      !input.required ||
      input.hasDefault ||
      Object.hasOwn(values, input.id)
    )
      continue;
    problems.push({
      path: ['input', input.id],
      message: `missing required input ${input.id} (${input.type}, scope tube): give it when loading the tube (CLI: --input ${input.id}=VALUE)`,
    });
  }
  if (problems.length > 0) return { ok: false, problems };

  const resolve = (value: unknown): unknown => {
    const name = inputReference(value);
    if (name !== undefined) {
      const found = lookupInput(name, tube.inputs, values);
      return found.found ? found.value : value;
    }
    if (Array.isArray(value)) return value.map(resolve);
    return value;
  };
  const resolveAll = (params: Readonly<Record<string, unknown>>) =>
    Object.fromEntries(Object.entries(params).map(([key, value]) => [key, resolve(value)]));
  const nodes: TubeNode[] = tube.nodes.map((node) => ({
    ...node,
    params: resolveAll(node.rawParams),
    enabled:
      typeof node.rawEnabled === 'string' ? Boolean(resolve(node.rawEnabled)) : node.rawEnabled,
  }));
  for (const node of nodes) problems.push(...boundParamProblems(node));
  if (problems.length > 0) return { ok: false, problems };
  const assets: Record<string, TubeAsset> = {};
  for (const [id, asset] of Object.entries(tube.assets))
    assets[id] = { ...asset, params: resolveAll(asset.rawParams) };
  return { ok: true, tube: { ...tube, nodes, assets, input: withDefaults(tube, values) } };
}

/** Params that came from `input.NAME` checked against the types the node declares. */
function boundParamProblems(node: TubeNode): TubeProblem[] {
  const declared = node.definition.params;
  if (!declared) return [];
  const problems: TubeProblem[] = [];
  for (const [key, raw] of Object.entries(node.rawParams)) {
    const spec = Object.hasOwn(declared, key) ? declared[key] : undefined;
    const name = inputReference(raw);
    if (!spec || name === undefined) continue;
    const problem = paramTypeProblem(node.params[key], spec);
    if (problem)
      problems.push({
        path: ['nodes', node.id, 'params', key],
        message: `node ${node.id}: param ${key} (input.${name}): ${problem}`,
      });
  }
  return problems;
}

/**
 * The values given, plus the declared defaults of inputs not given (a null default
 * leaves the input out): what the tube was bound with, passed on to nested tubes.
 */
function withDefaults(tube: Tube, values: Readonly<Record<string, unknown>>) {
  const bound: Record<string, unknown> = {};
  for (const input of Object.values(tube.inputs))
    if (input.hasDefault && input.default != null) bound[input.id] = input.default;
  return Object.assign(bound, values);
}
