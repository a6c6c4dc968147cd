import { privateKeyToAccount } from 'viem/accounts';
import { describe, expect, it } from 'vitest';
import { cidOf } from '../core/cid.ts';
import { peerMessage } from './messages.ts';
import { PayoutSigner, payoutFromEnv, verifyAnswer } from './payout.ts';
import { settlementDomainFromEnv } from './settlement-domain.ts';

const KEY = `0x${'59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d'}` as const;
const CONTRACT = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
const ENV = { NOOB_CHAIN: 'anvil', NOOB_SETTLEMENT_ADDRESS: CONTRACT };
const TASK = cidOf({ task: 1 }).toString();
const RESULT = cidOf({ result: 2 }).toString();
const OTHER = cidOf({ result: 3 }).toString();

describe('payout keys', () => {
  it("behavior: NOOB_PAYOUT_KEY with the contract's domain signs answers that verify to its address, and only for that result", async () => {
    const { signer, warning } = payoutFromEnv({ ...ENV, NOOB_PAYOUT_KEY: KEY });
    expect(warning).toBeUndefined();
    expect(signer!.address).toBe(privateKeyToAccount(KEY).address);
    expect(signer!.domain).toEqual({ chainId: 31337, verifyingContract: CONTRACT });
    const signature = await signer!.sign(TASK, RESULT);
    expect(signature).toMatch(/^0x[0-9a-f]{130}$/);
    const domain = signer!.domain;
    expect(await verifyAnswer(domain, signer!.address, TASK, RESULT, signature)).toBe(true);
    expect(await verifyAnswer(domain, signer!.address, TASK, OTHER, signature)).toBe(false);
    // Another contract's domain, another signer: not this answer.
    const elsewhere = { ...domain, verifyingContract: `0x${'11'.repeat(20)}` as const };
    expect(await verifyAnswer(elsewhere, signer!.address, TASK, RESULT, signature)).toBe(false);
    const stranger = privateKeyToAccount(`0x${'22'.repeat(32)}`).address;
    expect(await verifyAnswer(domain, stranger, TASK, RESULT, signature)).toBe(false);
    // Malformed input is a false, not a throw.
    expect(await verifyAnswer(domain, signer!.address, 'not-a-cid', RESULT, signature)).toBe(false);
    expect(await verifyAnswer(domain, signer!.address, TASK, RESULT, '0x1234')).toBe(false);
  });

  it('error: the same signature in a form the contract refuses (high s, v of 0 or 1) is not a paid answer', async () => {
    const { signer } = payoutFromEnv({ ...ENV, NOOB_PAYOUT_KEY: KEY });
    const signature = await signer!.sign(TASK, RESULT);
    const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
    const r = signature.slice(2, 66);
    const s = BigInt(`0x${signature.slice(66, 130)}`);
    const v = Number.parseInt(signature.slice(130), 16);
    // The malleable twin: (r, n - s) with the other parity recovers the same address.
    const highS =
      `0x${r}${(n - s).toString(16).padStart(64, '0')}${(v === 27 ? 28 : 27).toString(16)}` as const;
    const zeroV =
      `0x${r}${signature.slice(66, 130)}${(v - 27).toString(16).padStart(2, '0')}` as const;
    const { domain, address } = signer!;
    // Kept as challenge evidence, they would be refused on chain: the paid answer unchallengeable.
    expect(await verifyAnswer(domain, address, TASK, RESULT, highS)).toBe(false);
    expect(await verifyAnswer(domain, address, TASK, RESULT, zeroV)).toBe(false);
  });

  it('default: no key, no signer; a key without a domain signs nothing and says so', () => {
    expect(payoutFromEnv(ENV)).toEqual({});
    const { signer, warning } = payoutFromEnv({ NOOB_PAYOUT_KEY: KEY });
    expect(signer).toBeUndefined();
    expect(warning).toMatch(/NOOB_CHAIN and NOOB_SETTLEMENT_ADDRESS/);
  });

  it.each([
    ['without 0x', KEY.slice(2)],
    ['too short', KEY.slice(0, 40)],
    ['not hex', `0x${'zz'.repeat(32)}`],
    ['zero (no secp256k1 key)', `0x${'00'.repeat(32)}`],
  ])('error: a payout key %s is refused with a PeerError that does not print it', (_what, key) => {
    let thrown: Error | undefined;
    try {
      payoutFromEnv({ ...ENV, NOOB_PAYOUT_KEY: key });
    } catch (error) {
      thrown = error as Error;
    }
    expect(thrown?.name).toBe('PeerError');
    expect(thrown?.message).toMatch(/NOOB_PAYOUT_KEY/);
    expect(thrown?.message).not.toContain(key.replace(/^0x/, '').slice(0, 16));
  });

  it.each([
    [
      'an unknown chain',
      { NOOB_CHAIN: 'dogechain', NOOB_SETTLEMENT_ADDRESS: CONTRACT },
      /NOOB_CHAIN/,
    ],
    ['a chain without an address', { NOOB_CHAIN: 'anvil' }, /NOOB_SETTLEMENT_ADDRESS/],
    ['an address without a chain', { NOOB_SETTLEMENT_ADDRESS: CONTRACT }, /NOOB_CHAIN/],
    [
      'a malformed address',
      { NOOB_CHAIN: 'anvil', NOOB_SETTLEMENT_ADDRESS: '0x1234' },
      /NOOB_SETTLEMENT_ADDRESS/,
    ],
  ])('error: a settlement domain with %s names the variable', (_what, env, variable) => {
    expect(() => settlementDomainFromEnv(env)).toThrow(variable);
  });

  it('behavior: a PayoutSigner never reaches for a chain (signing is local)', async () => {
    const signer = new PayoutSigner(KEY, { chainId: 1, verifyingContract: CONTRACT });
    await expect(signer.sign(TASK, RESULT)).resolves.toMatch(/^0x/);
  });
});

describe('payout fields in messages', () => {
  const envelope = { v: 1, ts: 1, nonce: 'ab'.repeat(12) } as const;
  const peer = '12D3KooWGRZnb9ZXnu8mNJXVzxTbUzWFhADQ8dBj2cyg4BkWSUHL';
  const presence = (payout?: string) => ({
    ...envelope,
    kind: 'presence',
    peer,
    addrs: [],
    tags: [],
    quorum: true,
    ...(payout === undefined ? {} : { payout }),
  });
  const address = privateKeyToAccount(KEY).address;

  it('behavior: a presence may name a checksummed payout address, or none', () => {
    expect(peerMessage.safeParse(presence(address)).success).toBe(true);
    expect(peerMessage.safeParse(presence()).success).toBe(true);
  });

  it.each([
    ['lower case (no checksum)', address.toLowerCase()],
    ['a wrong checksum', address.replace('C', 'c')],
    ['too short', address.slice(0, 40)],
    ['not an address', 'alice'],
  ])('error: a presence whose payout address is %s is malformed', (_what, payout) => {
    expect(peerMessage.safeParse(presence(payout)).success).toBe(false);
  });

  it('error: a result or reveal whose signature is not 65 bytes of lower-case hex is malformed', () => {
    const result = { ...envelope, kind: 'result', task: TASK, executor: peer, result: RESULT };
    const good = `0x${'ab'.repeat(65)}`;
    expect(peerMessage.safeParse({ ...result, signature: good }).success).toBe(true);
    for (const signature of [`0x${'ab'.repeat(64)}`, `0x${'AB'.repeat(65)}`, 'ab'.repeat(65)])
      expect(peerMessage.safeParse({ ...result, signature }).success).toBe(false);
    const reveal = { ...result, kind: 'reveal', salt: 'cd'.repeat(16) };
    expect(peerMessage.safeParse({ ...reveal, signature: good }).success).toBe(true);
    expect(peerMessage.safeParse({ ...reveal, signature: 'x' }).success).toBe(false);
  });
});
