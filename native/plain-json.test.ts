import * as dagCbor from '@ipld/dag-cbor';
import fc from 'fast-check';
import { CID } from 'multiformats/cid';
import { describe, expect, it } from 'vitest';
import { MAX_DEPTH, type NativeCore } from './contract.ts';
import { sharedNative } from './load.ts';
import { isPlainJson } from './plain-json.ts';
import { twin } from './twin.ts';

/** The CID core/cid.ts computed before the addon: dag-cbor of the value itself. */
const dagCborCid = (value: unknown) => twin.cidOfDagCbor(dagCbor.encode(value));

const { addon } = sharedNative();
const cores: [string, NativeCore][] = [
  ['twin', twin],
  ...(addon ? [['addon', addon] as [string, NativeCore]] : []),
];

describe.each(cores)('isPlainJson then cidOfJson (%s)', (_, core) => {
  it('behavior: a plain JSON value has the CID of its own dag-cbor encoding', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(isPlainJson(value)).toBe(true);
        expect(core.cidOfJson(JSON.stringify(value))).toBe(dagCborCid(value));
      }),
      { numRuns: 300 },
    );
  });

  it('behavior: any value it accepts keeps its CID; those it refuses are left to dag-cbor', () => {
    fc.assert(
      fc.property(
        fc.anything({
          withNullPrototype: true,
          withBoxedValues: true,
          withSparseArray: true,
          withTypedArray: true,
        }),
        (value) => {
          if (isPlainJson(value))
            expect(core.cidOfJson(JSON.stringify(value))).toBe(dagCborCid(value));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('isPlainJson', () => {
  it('error: values JSON.stringify would change or drop are refused', () => {
    const cid = CID.parse('bafyr4iaptfqjkzv2vgianmzm5x7vogqc5kq6m5ppfky2og5prsqzsxep5u');
    class Point {
      x = 1;
    }
    for (const value of [
      undefined,
      { a: undefined },
      [Number.NaN],
      Number.POSITIVE_INFINITY,
      new Uint8Array(2),
      { cid },
      new Point(),
      new Date(0),
      { toJSON: () => 1 },
      new Array(2),
      1n,
      () => 1,
    ])
      expect(isPlainJson(value), String(value)).toBe(false);
  });

  it('behavior: a longer string than maxStringLength, as a value or a key, is refused', () => {
    expect(isPlainJson({ a: 'xy' }, 2)).toBe(true);
    expect(isPlainJson({ a: ['xyz'] }, 2)).toBe(false);
    expect(isPlainJson({ abc: 1 }, 2)).toBe(false);
  });

  it(`behavior: nesting beyond ${MAX_DEPTH} is refused, up to it accepted`, () => {
    const nest = (n: number): unknown => (n === 0 ? 0 : [nest(n - 1)]);
    expect(isPlainJson(nest(MAX_DEPTH))).toBe(true);
    expect(isPlainJson(nest(MAX_DEPTH + 1))).toBe(false);
  });
});
