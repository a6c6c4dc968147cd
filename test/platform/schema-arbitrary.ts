import fc from 'fast-check';

/** A JSON Schema as the OpenAPI document writes one (the parts the API uses). */
export interface Schema {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: Schema | boolean;
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  maxItems?: number;
  default?: unknown;
}

/**
 * Values for a schema, with the document's `components.schemas` to follow `$ref`s: mostly
 * values the schema allows, sometimes values it does not (another type, a key too many,
 * a required one missing), the way schemathesis mixes positive and negative cases. Depth
 * is bounded, so recursive schemas end.
 */
export function fromSchema(
  schema: Schema | undefined,
  components: Record<string, Schema>,
  depth = 0,
): fc.Arbitrary<unknown> {
  const wrong = fc.oneof(
    fc.constant(null),
    fc.string({ maxLength: 20 }),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant({}),
    fc.constant([]),
  );
  if (!schema || depth > 4) return wrong;
  return fc.oneof(
    { weight: 4, arbitrary: valid(schema, components, depth) },
    { weight: 1, arbitrary: wrong },
  );
}

function valid(
  schema: Schema,
  components: Record<string, Schema>,
  depth: number,
): fc.Arbitrary<unknown> {
  if (schema.$ref) {
    const name = schema.$ref.split('/').at(-1)!;
    return fromSchema(components[name], components, depth + 1);
  }
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const choices = schema.anyOf ?? schema.oneOf ?? schema.allOf;
  if (choices?.length) return fc.oneof(...choices.map((s) => fromSchema(s, components, depth + 1)));
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'string':
      return fc.string({
        minLength: schema.minLength ?? 0,
        maxLength: Math.min(schema.maxLength ?? 40, 40),
        unit: 'binary',
      });
    case 'integer':
      return fc.integer({
        min: Math.max(schema.minimum ?? -1e6, Number.MIN_SAFE_INTEGER),
        max: Math.min(schema.maximum ?? 1e6, Number.MAX_SAFE_INTEGER),
      });
    case 'number':
      return fc.double({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(fromSchema(schema.items, components, depth + 1), {
        maxLength: Math.min(schema.maxItems ?? 4, 4),
      });
    case 'object': {
      const properties = Object.entries(schema.properties ?? {});
      const record: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [key, value] of properties) record[key] = fromSchema(value, components, depth + 1);
      const required = (schema.required ?? []).filter((key) => key in record);
      return fc
        .tuple(
          fc.record(record, { requiredKeys: required }),
          // Now and then a key the schema does not name.
          fc.option(fc.tuple(fc.string({ maxLength: 12 }), fc.anything({ maxDepth: 2 })), {
            freq: 5,
          }),
        )
        .map(([value, extra]) => (extra ? { ...value, [extra[0]]: extra[1] } : value));
    }
    default:
      return fc.anything({ maxDepth: 2 });
  }
}
