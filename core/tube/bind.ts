import type { TubeProblem } from './errors.ts';
import { inputReference, inputTypeProblem, lookupInput } from './inputs.ts';
import type { Tube, TubeNode } from './tube.ts';

/** The outcome of {@link bindTubeInputs}. */
export type BindResult = { ok: true; tube: Tube } | { ok: false; problems: TubeProblem[] };

/**
 * Applies tube-scoped input values to a tube: checks required inputs are present and
 * values fit their declared types, then resolves `input.NAME` in params and `enabled`.
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
  const nodes: TubeNode[] = tube.nodes.map((node) => ({
    ...node,
    params: Object.fromEntries(
      Object.entries(node.rawParams).map(([key, value]) => [key, resolve(value)]),
    ),
    enabled:
      typeof node.rawEnabled === 'string' ? Boolean(resolve(node.rawEnabled)) : node.rawEnabled,
  }));
  return { ok: true, tube: { ...tube, nodes, input: { ...values } } };
}
