import { describe, expect, it } from 'vitest';
import { batchRows, passOptionsFromEnv, settlerFromEnv } from './settle.ts';

/** Each variable the settlement function needs, checked before any connection is made. */
const GOOD = {
  NOOB_QUEUE_URL: 'http://127.0.0.1:1',
  NOOB_CHAIN: 'anvil',
  NOOB_RPC_URL: 'http://127.0.0.1:8545',
  NOOB_PRIVATE_KEY: `0x${'11'.repeat(32)}`,
  NOOB_SETTLEMENT_ADDRESS: `0x${'22'.repeat(20)}`,
};

async function refusal(env: Record<string, string | undefined>) {
  const error = await settlerFromEnv(env).then(
    () => undefined,
    (e: Error) => e,
  );
  expect(error?.name).toBe('SettlementConfigError');
  return error!.message;
}

describe('settlerFromEnv', () => {
  it('error: each missing or malformed variable is named', async () => {
    expect(await refusal({ ...GOOD, NOOB_QUEUE_URL: undefined })).toContain(
      'NOOB_QUEUE_URL is not set',
    );
    expect(await refusal({ ...GOOD, NOOB_QUEUE_URL: '/tmp/noob.db' })).toContain(
      'noob settle --db FILE',
    );
    expect(await refusal({ ...GOOD, NOOB_CHAIN: 'moon' })).toContain(
      'NOOB_CHAIN names no chain noob settles on (got "moon")',
    );
    expect(await refusal({ ...GOOD, NOOB_RPC_URL: '' })).toContain('NOOB_RPC_URL');
    expect(await refusal({ ...GOOD, NOOB_PRIVATE_KEY: '' })).toContain(
      'NOOB_PRIVATE_KEY is not set',
    );
    expect(await refusal({ ...GOOD, NOOB_PRIVATE_KEY: '0x12' })).toContain(
      'NOOB_PRIVATE_KEY must be',
    );
    expect(await refusal({ ...GOOD, NOOB_SETTLEMENT_ADDRESS: '' })).toContain(
      'NOOB_SETTLEMENT_ADDRESS is not set',
    );
    expect(await refusal({ ...GOOD, NOOB_SETTLEMENT_FROM_BLOCK: 'latest' })).toContain(
      'NOOB_SETTLEMENT_FROM_BLOCK',
    );
    expect(await refusal({ ...GOOD, NOOB_SETTLEMENT_BATCH_ROWS: '0' })).toContain(
      'NOOB_SETTLEMENT_BATCH_ROWS',
    );
    expect(await refusal({ ...GOOD, NOOB_SETTLEMENT_CONFIRMATIONS: '-1' })).toContain(
      'NOOB_SETTLEMENT_CONFIRMATIONS must be a whole number of blocks from 0 to 10000, got "-1"',
    );
  });

  it('error: a key outside the curve is named, and neither its hex nor its number is repeated', async () => {
    // Above the secp256k1 order: 64 hex digits, yet no private key.
    const key = `0x${'ff'.repeat(32)}`;
    const error = await settlerFromEnv({ ...GOOD, NOOB_PRIVATE_KEY: key }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.name).toBe('SettlementConfigError');
    expect(error?.message).toContain('NOOB_PRIVATE_KEY');
    const told = `${error?.message} ${error?.stack} ${String((error as { cause?: unknown }).cause)}`;
    expect(told).not.toContain(key.slice(2));
    expect(told).not.toContain(BigInt(key).toString());
  });

  it('default: batch rows unset means the pass default; a whole number in range is taken', () => {
    expect(batchRows(undefined)).toBeUndefined();
    expect(batchRows('')).toBeUndefined();
    expect(batchRows('512')).toBe(512);
    expect(() => batchRows('4097')).toThrow(/from 1 to 4096/);
    expect(() => batchRows('1.5')).toThrow(/whole number/);
  });

  it('default: the pass settings left unset are the pass defaults; confirmations may be 0 (a dev chain)', () => {
    expect(passOptionsFromEnv({})).toEqual({});
    expect(
      passOptionsFromEnv({ NOOB_SETTLEMENT_BATCH_ROWS: '64', NOOB_SETTLEMENT_CONFIRMATIONS: '0' }),
    ).toEqual({ maxBatchRows: 64, confirmations: 0 });
    for (const bad of ['1.5', '1e3', ' 3', '10001', '0x10'])
      expect(() => passOptionsFromEnv({ NOOB_SETTLEMENT_CONFIRMATIONS: bad })).toThrow(
        /NOOB_SETTLEMENT_CONFIRMATIONS/,
      );
  });
});
