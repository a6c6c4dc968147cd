import { z } from 'zod';

/**
 * The tube specification: upstream noob's YAML format, as zod schemas. The same schemas
 * validate loaded files and export as JSON Schema (`noob schema`).
 */

/** A Python-style identifier: node, input and asset ids. */
export const identifier = z
  .string()
  .regex(
    /^[A-Za-z_][A-Za-z0-9_]*$/,
    'must be an identifier (letters, digits, _; not starting with a digit)',
  );

/** `node.signal`, `input.NAME` or `assets.NAME`. */
export const dependencyReference = z
  .string()
  .regex(
    /^[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*$/,
    'must be "node.signal" (or input.NAME, assets.NAME)',
  );

/** A keyword dependency `{slot: node.signal}`: exactly one key. */
export const keywordDependency = z
  .record(z.string(), dependencyReference)
  .refine((value) => Object.keys(value).length === 1, 'a keyword dependency has exactly one slot');

/** `depends`: one scalar reference, or a list of positional and keyword references. */
export const depends = z.union([
  dependencyReference,
  z.array(z.union([dependencyReference, keywordDependency])),
]);

/** One node. `type` may be left out only in a tube that `extends` another. */
export const nodeSpecification = z
  .object({
    id: identifier.optional(),
    type: z
      .string()
      .min(1)
      .optional()
      .describe('node type: builtin, noob.*, ./file.ts#export, package#export'),
    params: z.record(z.string(), z.unknown()).nullish(),
    depends: depends.nullish(),
    enabled: z
      .union([
        z.boolean(),
        z.string().regex(/^input\.[A-Za-z_][A-Za-z0-9_]*$/, 'must be input.NAME'),
      ])
      .optional()
      .describe('false, true, or input.NAME to decide from a tube input'),
    stateful: z.boolean().nullish(),
    description: z.string().nullish(),
  })
  .strict();

/** One input the tube takes, at tube (load) or process (per call) scope. */
export const inputSpecification = z
  .object({
    id: identifier.optional(),
    type: z.string().optional().describe('int, float, str, bool, list, dict, any'),
    scope: z.enum(['tube', 'process']).optional(),
    default: z.unknown().optional(),
    required: z.boolean().optional(),
    description: z.string().nullish(),
  })
  .strict();

/** One shared asset. */
export const assetSpecification = z
  .object({
    id: identifier.optional(),
    type: z.string().optional(),
    scope: z.enum(['runner', 'process', 'node']).optional(),
    params: z.union([z.record(z.string(), z.unknown()), z.array(z.unknown())]).nullish(),
    depends: dependencyReference.nullish(),
    description: z.string().nullish(),
  })
  .strict();

/** A whole tube file. */
export const tubeSpecification = z
  .object({
    noob_id: z.string().min(1),
    noob_model: z.string().optional(),
    noob_version: z.string().optional(),
    description: z.string().nullish(),
    extends: z.array(z.string().min(1)).nullish(),
    input: z.record(identifier, inputSpecification).nullish(),
    assets: z.record(identifier, assetSpecification).nullish(),
    nodes: z.record(identifier, nodeSpecification).nullish(),
  })
  .strict();

/** A node as written in a tube file. */
export type NodeSpecification = z.infer<typeof nodeSpecification>;
/** An input as written in a tube file. */
export type InputSpecification = z.infer<typeof inputSpecification>;
/** An asset as written in a tube file. */
export type AssetSpecification = z.infer<typeof assetSpecification>;
/** A tube file as written. */
export type TubeSpecification = z.infer<typeof tubeSpecification>;
/** One `depends` entry. */
export type DependsEntry = string | Record<string, string>;

/** The tube format as JSON Schema (draft 2020-12). */
export function tubeJsonSchema(): Record<string, unknown> {
  return {
    $id: 'https://noob.dev/schema/tube.json',
    title: 'noob tube',
    ...z.toJSONSchema(tubeSpecification),
  };
}
