import { parseEther, toFunctionSelector } from 'viem';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { getRoles } from '../client/actions/reads.ts';
import { acceptAdmin, setSettler, transferAdmin } from '../client/actions/roles.ts';
import { postBatch } from '../client/actions/settle.ts';
import { buildBatch } from '../client/batch.ts';
import { deploySettlement } from '../client/deploy.ts';
import { settlementAbi } from '../generated/Settlement.ts';
import { startChain, type TestChain } from './chain.ts';
import { type Deployment, deploy, fakeCid, openJob, testParameters } from './fixture.ts';

describe('roles and parameters', () => {
  let chain: TestChain;
  let d: Deployment;

  beforeAll(async () => {
    chain = await startChain(7);
    d = await deploy(chain);
  });
  afterAll(() => chain?.stop());

  const admin = () =>
    chain.reader.readContract({ address: d.address, abi: settlementAbi, functionName: 'admin' });

  test('error: only the job settler, holding the role, posts batches', async () => {
    const jobId = await openJob(chain, d, parseEther('1'));
    const batch = buildBatch([
      { taskCid: fakeCid('r'), worker: d.workers[0]!.account.address, reward: 1n },
    ]);
    await expect(postBatch(d.submitter, { address: d.address, jobId, batch })).rejects.toThrow(
      /NotSettler/,
    );
    await chain.mined(
      setSettler(d.admin, {
        address: d.address,
        settler: d.settler.account.address,
        allowed: false,
      }),
    );
    await expect(postBatch(d.settler, { address: d.address, jobId, batch })).rejects.toThrow(
      /NotSettler/,
    );
    await chain.mined(
      setSettler(d.admin, {
        address: d.address,
        settler: d.settler.account.address,
        allowed: true,
      }),
    );
    await chain.mined(postBatch(d.settler, { address: d.address, jobId, batch }));
  });

  test('error: only the admin names settlers', async () => {
    await expect(
      setSettler(d.settler, {
        address: d.address,
        settler: d.submitter.account.address,
        allowed: true,
      }),
    ).rejects.toThrow(/NotAdmin/);
  });

  test('behavior: the admin hands over in two steps', async () => {
    const next = d.workers[1]!;
    await chain.mined(transferAdmin(d.admin, { address: d.address, next: next.account.address }));
    await expect(acceptAdmin(d.submitter, { address: d.address })).rejects.toThrow(
      /NotPendingAdmin/,
    );
    expect(await admin()).toBe(d.admin.account.address);
    await chain.mined(acceptAdmin(next, { address: d.address }));
    expect(
      await getRoles(chain.reader, { address: d.address, account: d.settler.account.address }),
    ).toEqual({
      admin: next.account.address,
      pendingAdmin: '0x0000000000000000000000000000000000000000',
      feeRecipient: d.feeRecipient.account.address,
      isSettler: true,
    });
    await expect(
      setSettler(d.admin, { address: d.address, settler: d.admin.account.address, allowed: true }),
    ).rejects.toThrow(/NotAdmin/);
  });

  test('error: an unbonding period not longer than the window is refused at deployment', async () => {
    // viem does not decode constructor reverts: match InvalidParameters()'s selector.
    const invalid = new RegExp(toFunctionSelector('InvalidParameters()'));
    await expect(
      deploySettlement(d.admin, chain.reader, {
        ...testParameters,
        unbondingPeriod: testParameters.challengeWindow,
      }),
    ).rejects.toThrow(invalid);
    await expect(
      deploySettlement(d.admin, chain.reader, { ...testParameters, feeBps: 1_001n }),
    ).rejects.toThrow(invalid);
  });
});
