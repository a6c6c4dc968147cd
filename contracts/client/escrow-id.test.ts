import { encodeAbiParameters, keccak256 } from 'viem';
import { describe, expect, it } from 'vitest';
import { escrowIdFor } from './escrow-id.ts';

describe('escrowIdFor', () => {
  it('behavior: keccak256 of abi.encode(tag, tenant, name), as a contract or another client computes it', () => {
    const expected = keccak256(
      encodeAbiParameters(
        [{ type: 'string' }, { type: 'string' }, { type: 'string' }],
        ['noob/escrow/1', 'acme', 'march'],
      ),
    );
    expect(escrowIdFor('acme', 'march')).toBe(expected);
    expect(escrowIdFor('acme', 'march')).toMatch(/^0x[0-9a-f]{64}$/);
  });

  it('behavior: another tenant with the same name, or a name that moves a character across the boundary, gets another id', () => {
    expect(escrowIdFor('acme', 'march')).not.toBe(escrowIdFor('other', 'march'));
    expect(escrowIdFor('ab', 'c')).not.toBe(escrowIdFor('a', 'bc'));
  });
});
