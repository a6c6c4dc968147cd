import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contractSuite } from './contract.suite.ts';
import { MAX_DEPTH, NATIVE_EXPORTS, type NativeCore } from './contract.ts';
import { sharedNative } from './load.ts';
import { twin } from './twin.ts';

const { addon, reason } = sharedNative();
/** Set by .ci/run, where cargo is present: the parity suites must run on the real addon. */
const required = process.env.NOOB_NATIVE_REQUIRED === '1';

describe('native twin (TypeScript)', () => contractSuite(twin));

describe.skipIf(!addon)('native addon (Rust)', () => contractSuite(addon!));

it(`behavior: the addon is loaded where it is required${required ? '' : ' (not required here)'}`, () => {
  if (required) expect(reason, 'NOOB_NATIVE_REQUIRED=1 but the addon did not load').toBe('');
  else expect(addon !== null || reason !== '').toBe(true);
});

const generatedTypes = join(import.meta.dirname, 'generated', 'index.d.ts');

it.skipIf(!existsSync(generatedTypes))(
  'behavior: napi-rs’s generated index.d.ts declares every export of the contract',
  () => {
    const declared = readFileSync(generatedTypes, 'utf8');
    for (const name of NATIVE_EXPORTS)
      expect(declared).toContain(`export declare function ${name}(`);
  },
);

/** What a call gave: its output as hex, or its error's name and, where deterministic, message. */
function outcome(call: () => unknown, withMessage: boolean): unknown {
  try {
    const value = call();
    return value instanceof Uint8Array ? Buffer.from(value).toString('hex') : value;
  } catch (error) {
    const { name, message } = error as Error;
    return withMessage ? { name, message } : { name };
  }
}

/** Calls the same export on the addon and the twin and expects the same outcome. */
function same<K extends keyof NativeCore>(
  name: K,
  args: Parameters<NativeCore[K]>,
  withMessage = true,
): void {
  const call = (core: NativeCore) => () => (core[name] as (...a: unknown[]) => unknown)(...args);
  expect(outcome(call(addon!), withMessage)).toEqual(outcome(call(twin), withMessage));
}

/** `out` buffers are compared after the call too: what was written is part of the output. */
function sameWrites(
  name: 'blake3Into' | 'blake3Many',
  args: (out: Uint8Array) => Parameters<NativeCore[typeof name]>,
  size: number,
): void {
  const outs = [new Uint8Array(size).fill(9), new Uint8Array(size).fill(9)];
  const results = [addon!, twin].map((core, i) =>
    outcome(() => (core[name] as (...a: unknown[]) => unknown)(...args(outs[i]!)), true),
  );
  expect(results[0]).toEqual(results[1]);
  expect(outs[0]).toEqual(outs[1]);
}

const bytes = fc.oneof(
  { weight: 8, arbitrary: fc.uint8Array({ maxLength: 2048 }) },
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 64 * 1024, maxLength: 200 * 1024 }) },
);
/** Texts close to JSON: valid values, numbers of any size, any strings, and broken texts. */
const jsonish = fc.oneof(
  fc.jsonValue().map((value) => JSON.stringify(value)),
  fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value, null, 2)),
  fc.string({ unit: 'binary' }).map((text) => JSON.stringify({ [text.slice(0, 3)]: text })),
  fc
    .tuple(fc.double(), fc.integer({ min: -400, max: 400 }))
    .map(([mantissa, exponent]) => `[${Number.isFinite(mantissa) ? mantissa : 0}e${exponent}]`),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String),
  fc.string({ unit: 'binary' }),
  fc
    .tuple(
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.nat(),
      fc.string({ maxLength: 2 }),
    )
    .map(
      ([text, at, junk]) =>
        text.slice(0, at % (text.length + 1)) + junk + text.slice(at % (text.length + 1)),
    ),
);

describe.skipIf(!addon)('native parity: addon and twin agree on random inputs', () => {
  it('behavior: blake3 and cidOfDagCbor, empty to hundreds of KiB', () => {
    fc.assert(
      fc.property(bytes, (input) => {
        same('blake3', [input]);
        same('cidOfDagCbor', [input]);
        sameWrites('blake3Into', (out) => [input, out], 32);
      }),
      { numRuns: 150 },
    );
  });

  it('behavior: blake3Into and blake3Many with any offsets and output sizes', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 512 }),
        fc.array(fc.nat({ max: 520 }), { maxLength: 20 }),
        fc.nat({ max: 700 }),
        fc.boolean(),
        (data, offsets, size, sorted) => {
          const cuts = Uint32Array.from(sorted ? offsets.sort((a, b) => a - b) : offsets);
          sameWrites('blake3Many', (out) => [data, cuts, out], size);
          sameWrites('blake3Into', (out) => [data, out], size % 40);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('behavior: dagCborFromJson and cidOfJson, valid and broken JSON alike', () => {
    fc.assert(
      fc.property(jsonish, (text) => {
        same('dagCborFromJson', [text], false);
        same('cidOfJson', [text], false);
      }),
      { numRuns: 1500 },
    );
  });

  it('behavior: a 4 MiB input, a 1 MB JSON object, and nesting at the limit agree', () => {
    const large = new Uint8Array(4 * 1024 * 1024).map((_, i) => (i * 31) % 251);
    same('blake3', [large]);
    const rows = Array.from({ length: 9000 }, (_, i) => ({
      id: i,
      name: `item-${i}`,
      score: i / 7,
    }));
    same('cidOfJson', [JSON.stringify({ rows })], false);
    for (const depth of [MAX_DEPTH, MAX_DEPTH + 1])
      same('cidOfJson', [`${'{"a":'.repeat(depth)}0${'}'.repeat(depth)}`], false);
  });
});
