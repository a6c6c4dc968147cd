import { describe, expect, it } from 'vitest';
import { settlementDomainFromEnv } from '../../peers/settlement-domain.ts';
import { loadSettlementConfig } from './chains.ts';
import { settlementContractFromEnv } from './contract-env.ts';

const CONTRACT = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
// anvil's second development key: public test funds only.
const KEY = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d';
const RPC = { NOOB_RPC_URL: 'http://127.0.0.1:8545' };

/** The error `read` throws (undefined if it returns). */
function thrown(read: () => unknown): (Error & { shortMessage?: string }) | undefined {
  try {
    read();
  } catch (error) {
    return error as Error;
  }
  return undefined;
}

describe('settlementContractFromEnv', () => {
  it('behavior: the chain by name and the address, checksummed; an unset address is allowed unless required', () => {
    const contract = settlementContractFromEnv({
      NOOB_CHAIN: 'base',
      NOOB_SETTLEMENT_ADDRESS: CONTRACT.toLowerCase(),
    });
    expect(contract.chain.id).toBe(8453);
    expect(contract.address).toBe(CONTRACT);
    const unset = settlementContractFromEnv({ NOOB_CHAIN: 'anvil', NOOB_SETTLEMENT_ADDRESS: '' });
    expect(unset.chain.id).toBe(31337);
    expect(unset.address).toBeUndefined();
    const required = thrown(() =>
      settlementContractFromEnv({ NOOB_CHAIN: 'anvil' }, { requireAddress: true }),
    );
    expect(required?.name).toBe('ConfigError');
    expect(required?.message).toMatch(/^NOOB_SETTLEMENT_ADDRESS is not set/);
  });

  it.each([
    ['no chain', { NOOB_CHAIN: undefined }, /^NOOB_CHAIN is not set/],
    ['an unknown chain', { NOOB_CHAIN: 'solana' }, /^NOOB_CHAIN names no chain .*"solana"/],
    [
      'a short address',
      { NOOB_SETTLEMENT_ADDRESS: '0x1234' },
      /^NOOB_SETTLEMENT_ADDRESS is not a 0x address .*6 characters/,
    ],
    [
      'a wrong checksum',
      { NOOB_SETTLEMENT_ADDRESS: CONTRACT.replace('F', 'f') },
      /^NOOB_SETTLEMENT_ADDRESS does not match its EIP-55 checksum/,
    ],
  ])(
    'error: %s is one ConfigError, the same for the settler and for the peers that sign',
    (_what, vars, message) => {
      const env = { NOOB_CHAIN: 'anvil', NOOB_SETTLEMENT_ADDRESS: CONTRACT, ...vars };
      const settler = thrown(() => loadSettlementConfig({ ...env, ...RPC }));
      const peer = thrown(() => settlementDomainFromEnv(env));
      expect(settler?.name).toBe('ConfigError');
      expect(settler?.message).toMatch(message);
      expect(peer?.name).toBe('ConfigError');
      expect(peer?.shortMessage).toBe(settler?.shortMessage);
    },
  );

  it('error: a private key pasted into either variable is never repeated in the message', () => {
    for (const env of [
      { NOOB_CHAIN: KEY },
      { NOOB_CHAIN: KEY.slice(2) },
      { NOOB_CHAIN: 'anvil', NOOB_SETTLEMENT_ADDRESS: KEY },
    ]) {
      const error = thrown(() => settlementContractFromEnv(env));
      expect(error?.name).toBe('ConfigError');
      expect(error?.message).not.toContain(KEY.slice(2, 18));
    }
  });
});
