import { describe, expect, test } from 'vitest';
import { createSettlementClients, loadSettlementConfig, settlementChains } from './chains.ts';

// anvil's first development key: public test funds only.
const devKey = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';

describe('chains', () => {
  test('default: the five networks and anvil, from viem', () => {
    expect(Object.fromEntries(Object.entries(settlementChains).map(([k, c]) => [k, c.id]))).toEqual(
      {
        ethereum: 1,
        polygon: 137,
        arbitrum: 42161,
        optimism: 10,
        base: 8453,
        anvil: 31337,
      },
    );
  });

  test('behavior: chain, RPC URL, key and address come from the environment', () => {
    const config = loadSettlementConfig({
      NOOB_CHAIN: 'base',
      NOOB_RPC_URL: 'https://rpc.example',
      NOOB_PRIVATE_KEY: devKey,
      NOOB_SETTLEMENT_ADDRESS: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
    });
    expect(config.chain.id).toBe(8453);
    const { wallet, reader } = createSettlementClients(config);
    expect(wallet?.account.address).toBe('0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266');
    expect(reader.chain?.id).toBe(8453);
    const readOnly = loadSettlementConfig({
      NOOB_CHAIN: 'anvil',
      NOOB_RPC_URL: 'http://127.0.0.1:8545',
    });
    expect(createSettlementClients(readOnly).wallet).toBeUndefined();
  });

  test('error: a missing or malformed setting names the variable', () => {
    const base = { NOOB_CHAIN: 'polygon', NOOB_RPC_URL: 'https://rpc.example' };
    expect(() => loadSettlementConfig({ ...base, NOOB_CHAIN: 'solana' })).toThrow(/NOOB_CHAIN/);
    expect(() => loadSettlementConfig({ ...base, NOOB_RPC_URL: undefined })).toThrow(
      /NOOB_RPC_URL/,
    );
    expect(() => loadSettlementConfig({ ...base, NOOB_PRIVATE_KEY: '0x12' })).toThrow(
      /NOOB_PRIVATE_KEY/,
    );
    expect(() => loadSettlementConfig({ ...base, NOOB_SETTLEMENT_ADDRESS: 'nope' })).toThrow(
      expect.objectContaining({ name: 'ConfigError' }),
    );
  });
});
