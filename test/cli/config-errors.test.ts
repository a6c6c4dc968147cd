import { afterEach, describe, expect, it, vi } from 'vitest';
import { noobHere } from './run-noob.ts';

// A command whose chain settings are missing or wrong is the user's to fix, not a crash:
// one line naming the variable, exit 2 (as `noob settle` says it), never "unexpected error".
afterEach(() => {
  vi.unstubAllEnvs();
});

describe('noob claim with the chain unset or wrong', () => {
  it('error: NOOB_CHAIN unset is one line naming it, exit 2', async () => {
    vi.stubEnv('NOOB_CHAIN', '');
    vi.stubEnv('NOOB_PAYOUT_KEY', '');
    const { code, stdout, stderr } = await noobHere(
      'claim',
      '0x1111111111111111111111111111111111111111',
    );
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^noob: NOOB_CHAIN is not set/);
    expect(stderr).not.toMatch(/unexpected error|NOOB_DEBUG/);
  });

  it('error: a NOOB_CHAIN that is no known chain is one line naming it, exit 2', async () => {
    vi.stubEnv('NOOB_CHAIN', 'moon');
    const { code, stderr } = await noobHere('claim', '0x1111111111111111111111111111111111111111');
    expect(code).toBe(2);
    expect(stderr).toMatch(/NOOB_CHAIN/);
    expect(stderr).not.toMatch(/unexpected error/);
  });
});
