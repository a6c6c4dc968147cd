import type { NodeDefinition, ParamSpec } from '../node/define.ts';
import { didYouMean } from '../node/suggest.ts';
import { describeValue, inputReference, inputTypeProblem } from './inputs.ts';

/**
 * Node params checked against what the node declares ({@link NodeDefinition.params}):
 * names at load (with "did you mean"), types of written values at load and of
 * `input.NAME` values once the input is bound. Nodes that declare nothing are not checked.
 */

/** Records a problem at a path of the tube. */
export type Report = (path: readonly (string | number)[], message: string) => void;

/** Why `value` fits none of the param's declared types, or `undefined` when it fits. */
export function paramTypeProblem(value: unknown, spec: ParamSpec): string | undefined {
  const types =
    spec.type === undefined ? ['any'] : typeof spec.type === 'string' ? [spec.type] : spec.type;
  if (types.includes('any')) return undefined;
  if (types.some((type) => inputTypeProblem(value, type) === undefined)) return undefined;
  if (types.length === 1) return inputTypeProblem(value, types[0]!);
  return `expected ${types.join(' or ')}, got ${describeValue(value)}`;
}

/** The param names a node accepts: those it declares, and a function node's slots. */
export function knownParams(definition: NodeDefinition): string[] | undefined {
  if (!definition.params) return undefined;
  const names = Object.keys(definition.params);
  if (definition.kind === 'function') names.push(...Object.keys(definition.slots));
  return [...new Set(names)];
}

/** `. Did you mean "x"?` after a sentence, or nothing. */
function suggestion(name: string, known: readonly string[]): string {
  const hint = didYouMean(name, known);
  return hint ? `.${hint}` : '';
}

/** Checks a node's written params: unknown names, missing required ones, literal types. */
export function checkParamsDeclared(
  id: string,
  type: string,
  definition: NodeDefinition,
  params: Readonly<Record<string, unknown>>,
  report: Report,
): void {
  const declared = definition.params;
  const known = knownParams(definition);
  if (!declared || !known) return;
  const listed = known.length ? known.join(', ') : 'none';
  for (const [key, value] of Object.entries(params)) {
    // Own names only: a param called `toString` is not declared by every node.
    const spec = Object.hasOwn(declared, key) ? declared[key] : undefined;
    if (!spec) {
      if (!known.includes(key) && !definition.variadic)
        report(
          ['nodes', id, 'params', key],
          `node ${id}: ${type} takes no param "${key}"${suggestion(key, known)} (its params: ${listed})`,
        );
      continue;
    }
    if (inputReference(value) !== undefined) continue; // checked once the input is bound
    const problem = paramTypeProblem(value, spec);
    if (problem) report(['nodes', id, 'params', key], `node ${id}: param ${key}: ${problem}`);
  }
  for (const [key, spec] of Object.entries(declared)) {
    if (spec.required && !Object.hasOwn(params, key))
      report(['nodes', id, 'params'], `node ${id}: ${type} needs param ${key}`);
  }
}
