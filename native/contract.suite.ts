import { expect, it } from 'vitest';
import { MAX_DEPTH, type NativeCore } from './contract.ts';

/** A dag-cbor CID of BLAKE3 always starts so (version 1, dag-cbor, BLAKE3, 32 bytes). */
const CID_PREFIX = 'bafyr4';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const utf8 = (text: string) => new TextEncoder().encode(text);

/**
 * The native contract's suite: the addon and its twin both run it (STYLE: one shared
 * suite per interface). Known answers and each error; `native.test.ts` adds the random
 * parity checks between the two.
 */
export function contractSuite(core: NativeCore): void {
  it('default: BLAKE3 of "abc" and of nothing are the published digests', () => {
    expect(hex(core.blake3(utf8('abc')))).toBe(
      '6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85',
    );
    expect(hex(core.blake3(new Uint8Array()))).toBe(
      'af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262',
    );
  });

  it('behavior: blake3Into and blake3Many write the same digests into the caller’s buffer', () => {
    const out = new Uint8Array(40).fill(7);
    core.blake3Into(utf8('abc'), out);
    expect(hex(out.subarray(0, 32))).toBe(hex(core.blake3(utf8('abc'))));
    expect(hex(out.subarray(32))).toBe('07'.repeat(8));
    const many = new Uint8Array(64);
    core.blake3Many(utf8('abcde'), Uint32Array.of(0, 3, 5), many);
    expect(hex(many.subarray(0, 32))).toBe(hex(core.blake3(utf8('abc'))));
    expect(hex(many.subarray(32))).toBe(hex(core.blake3(utf8('de'))));
  });

  it('behavior: dag-cbor from JSON sorts keys by length then bytes, keeps the last duplicate', () => {
    expect(hex(core.dagCborFromJson('{"bb":1,"a":0,"a":2}'))).toBe('a261610262626201');
    expect(hex(core.dagCborFromJson(' [1.5, -1, true, null, "\\ud800"] '))).toBe(
      '85fb3ff800000000000020f5f663efbfbd',
    );
  });

  it('behavior: a CID is the dag-cbor CID of the bytes, from JSON or from bytes', () => {
    const cid = core.cidOfJson('{"a":1}');
    expect(cid.startsWith(CID_PREFIX)).toBe(true);
    expect(cid).toHaveLength(59);
    expect(core.cidOfDagCbor(core.dagCborFromJson('{"a":1}'))).toBe(cid);
  });

  it(`behavior: nesting up to ${MAX_DEPTH} is accepted, deeper is UnencodableValueError`, () => {
    const nest = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
    expect(core.dagCborFromJson(nest(MAX_DEPTH)).length).toBe(MAX_DEPTH);
    expect(() => core.cidOfJson(nest(MAX_DEPTH + 1))).toThrow(
      expect.objectContaining({ name: 'UnencodableValueError' }),
    );
  });

  it('error: text that is not JSON is InvalidJsonError; a number beyond float64 UnencodableValueError', () => {
    for (const text of ['', '[1,]', '01', '{"a"}', '"\u0001"', 'nul', '1 2', "'a'"])
      expect(() => core.dagCborFromJson(text), text).toThrow(
        expect.objectContaining({ name: 'InvalidJsonError' }),
      );
    expect(() => core.cidOfJson('[1e400]')).toThrow(
      expect.objectContaining({ name: 'UnencodableValueError' }),
    );
  });

  it('error: bad offsets or a short output buffer are NativeArgumentError', () => {
    const out = new Uint8Array(32);
    const bad = expect.objectContaining({ name: 'NativeArgumentError' });
    expect(() => core.blake3Into(utf8('a'), new Uint8Array(31))).toThrow(bad);
    expect(() => core.blake3Many(utf8('ab'), Uint32Array.of(1, 0), out)).toThrow(bad);
    expect(() => core.blake3Many(utf8('ab'), Uint32Array.of(0, 3), out)).toThrow(bad);
    expect(() => core.blake3Many(utf8('ab'), Uint32Array.of(0, 1, 2), out)).toThrow(bad);
    const shared = new Uint8Array(64);
    expect(() => core.blake3Into(shared.subarray(0, 40), shared.subarray(32))).toThrow(bad);
    expect(() => core.blake3Many(shared, Uint32Array.of(0, 8), shared.subarray(8))).toThrow(bad);
    core.blake3Into(shared.subarray(0, 32), shared.subarray(32));
  });
}
