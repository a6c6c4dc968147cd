import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { contractSuite } from './contract.suite.ts';
import { compareGlibc, LAMBDA_GLIBC, newestGlibc } from './glibc.ts';
import { LAMBDA_ADDON, loadNative } from './load.ts';

const built = existsSync(LAMBDA_ADDON);
/** .ci/run builds the Lambda artifact and sets this: then it must be there. */
const required = process.env.NOOB_NATIVE_REQUIRED === '1';

it(`behavior: the Lambda addon is built where it is required${required ? '' : ' (not required here)'}`, () => {
  if (required)
    expect(built, `no ${LAMBDA_ADDON} (node scripts/build-native.mjs --lambda)`).toBe(true);
  else expect(typeof built).toBe('boolean');
});

describe.skipIf(!built)('Lambda addon (x86_64, glibc ≤ 2.17)', () => {
  it('behavior: needs no glibc newer than 2.17 (objdump -T)', () => {
    const newest = newestGlibc(LAMBDA_ADDON);
    expect(newest[0], 'it links against glibc at all').toBe(2);
    expect(
      compareGlibc(newest, LAMBDA_GLIBC),
      `needs GLIBC_${newest.join('.')}`,
    ).toBeLessThanOrEqual(0);
  });

  describe('loads here and keeps the contract', () => {
    const { addon, reason } = built
      ? loadNative({ path: LAMBDA_ADDON, disabled: false })
      : { addon: null, reason: '' };
    it('default: it loads', () => expect(reason).toBe(''));
    if (addon) contractSuite(addon);
  });
});
