import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareBytes, fromBase64, randomHex, toBase64, toHex } from './bytes.ts';

/** Browser peers must compute what Node peers compute with Buffer, byte for byte. */
describe('byte helpers', () => {
  it('behavior: hex and base64 are what Buffer writes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        expect(toHex(bytes)).toBe(Buffer.from(bytes).toString('hex'));
        expect(toBase64(bytes)).toBe(Buffer.from(bytes).toString('base64'));
        expect(fromBase64(toBase64(bytes))).toEqual(bytes);
      }),
    );
  });

  it('error: text that is not base64 is refused', () => {
    expect(() => fromBase64('not base64!')).toThrow();
  });

  it('behavior: byte strings are ordered as Buffer.compare orders them', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ maxLength: 40 }), (a, b) => {
        expect(Math.sign(compareBytes(a, b))).toBe(Buffer.compare(a, b));
      }),
    );
  });

  it('behavior: random hex has the length asked for and differs between calls', () => {
    expect(randomHex(12)).toMatch(/^[0-9a-f]{24}$/);
    expect(randomHex(16)).not.toBe(randomHex(16));
  });
});
