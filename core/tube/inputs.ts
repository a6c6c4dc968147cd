import { PARAM_TYPES } from '../node/define.ts';
import { InputError } from './errors.ts';
import type { TubeInput } from './tube.ts';

/**
 * Tube inputs: checking given values against their declared types, and reading them from
 * text (the CLI's `--input key=value`).
 */

const INPUT_REFERENCE = /^input\.([A-Za-z_][A-Za-z0-9_]*)$/;

/** The input name in an `input.NAME` reference, or `undefined`. */
export function inputReference(value: unknown): string | undefined {
  return typeof value === 'string' ? INPUT_REFERENCE.exec(value)?.[1] : undefined;
}

/** The types an input can declare: a param's, but `null` (an optional input may be null). */
export const INPUT_TYPES: readonly string[] = PARAM_TYPES.filter((type) => type !== 'null');

/** Why `value` does not fit `type`, or `undefined` when it does. Unknown types accept anything. */
export function inputTypeProblem(value: unknown, type: string): string | undefined {
  const expect = (ok: boolean, what: string) =>
    ok ? undefined : `expected ${what}, got ${describeValue(value)}`;
  switch (type) {
    case 'null':
      return expect(value === null, 'null');
    case 'int':
      return expect(Number.isInteger(value), 'an integer');
    case 'float':
      return expect(typeof value === 'number', 'a number');
    case 'str':
      return expect(typeof value === 'string', 'a string');
    case 'bool':
      return expect(typeof value === 'boolean', 'true or false');
    case 'list':
      return expect(Array.isArray(value), 'a list');
    case 'dict':
      return expect(
        typeof value === 'object' && value !== null && !Array.isArray(value),
        'a mapping',
      );
    default:
      return undefined;
  }
}

/** A value as a message names it: `the string "five"`, `a list`, `number 3`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `the string "${value}"`;
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${String(value)}`;
}

/**
 * Reads `text` as a value of the input's type: `7` for int, `true` for bool, JSON for lists
 * and mappings, the text itself for strings. Unknown types: JSON when it parses, else text.
 */
export function parseInputText(text: string, input: TubeInput | undefined): unknown {
  const type = input?.type ?? 'any';
  if (type === 'str') return text;
  if (type === 'int' || type === 'float') {
    const number = Number(text);
    if (text.trim() === '' || Number.isNaN(number)) {
      throw new InputError(
        `input ${input?.id}: expected ${type === 'int' ? 'an integer' : 'a number'}, got "${text}"`,
      );
    }
    return number;
  }
  if (type === 'bool') {
    if (/^(true|1|yes)$/i.test(text)) return true;
    if (/^(false|0|no)$/i.test(text)) return false;
    throw new InputError(`input ${input?.id}: expected true or false, got "${text}"`);
  }
  try {
    return JSON.parse(text);
  } catch {
    if (type === 'list' || type === 'dict') {
      throw new InputError(`input ${input?.id}: expected JSON for a ${type}, got "${text}"`);
    }
    return text;
  }
}

/** Looks an input up: the given values first, then the declared default. */
export function lookupInput(
  name: string,
  inputs: Readonly<Record<string, TubeInput>>,
  ...scopes: ReadonlyArray<Readonly<Record<string, unknown>> | undefined>
): { found: true; value: unknown } | { found: false } {
  for (const scope of scopes) {
    if (scope && Object.hasOwn(scope, name)) return { found: true, value: scope[name] };
  }
  const declared = inputs[name];
  if (declared?.hasDefault) return { found: true, value: declared.default };
  if (declared && !declared.required) return { found: true, value: null };
  return { found: false };
}
